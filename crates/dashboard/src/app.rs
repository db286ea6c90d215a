//! The page: DOM lookups, event listeners and one session per (venue, symbol, timeframe).
//!
//! A session opens the status subscription first, then the REST history and the three
//! streams, and folds everything into the page. Switching venue, symbol or timeframe aborts
//! the session, which drops its streams (closing their connections), and starts a new one.
//! Everything here runs on the page's event loop; the logic it calls lives in the plain modules.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures::future::{AbortHandle, abortable};
use futures::stream::{LocalBoxStream, StreamExt};
use tradewire::DataApi;
use tradewire::core::{
    BookUpdate, Candle, Decimal, MarketData, StatusEvent, StreamOptions, Symbol, SymbolInfo,
    TimeRange, Timeframe, Trade, Venue,
};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{Document, HtmlElement, HtmlInputElement, HtmlSelectElement};

use crate::chart::Chart;
use crate::config::{Config, RawConfig};
use crate::ladder::{DEPTH, Ladder};
use crate::rate::RateMeter;
use crate::render;
use crate::series::{HISTORY_CANDLES, Series, SeriesOp, headline, price_precision};
use crate::status::{BadgeState, StatusBoard};
use crate::symbols::{PICKER_LIMIT, filter_symbols, option_label, pick_symbol};
use crate::tape::{TAPE_LEN, Tape};

/// How often the book, tape and badge are redrawn (updates in between are coalesced).
const RENDER_EVERY: Duration = Duration::from_millis(200);

fn err(msg: impl Into<String>) -> JsValue {
    JsValue::from_str(&msg.into())
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The page's elements.
#[derive(Debug, Clone)]
struct Ui {
    document: Document,
    status: HtmlElement,
    chart_el: HtmlElement,
    book: HtmlElement,
    tape: HtmlElement,
    venue: HtmlSelectElement,
    symbol: HtmlSelectElement,
    filter: HtmlInputElement,
    timeframe: HtmlSelectElement,
    last_price: HtmlElement,
    change: HtmlElement,
    notice: HtmlElement,
    footer: HtmlElement,
    chart: Chart,
}

fn find<T: JsCast>(document: &Document, id: &str) -> Result<T, JsValue> {
    document
        .get_element_by_id(id)
        .ok_or_else(|| err(format!("#{id} is missing from the page")))?
        .dyn_into::<T>()
        .map_err(|_| err(format!("#{id} is not the expected element")))
}

impl Ui {
    fn find(document: &Document) -> Result<Ui, JsValue> {
        let chart_el: HtmlElement = find(document, "chart")?;
        let chart = Chart::new(&chart_el)?;
        Ok(Ui {
            document: document.clone(),
            status: find(document, "status")?,
            chart_el,
            book: find(document, "book")?,
            tape: find(document, "tape")?,
            venue: find(document, "venue")?,
            symbol: find(document, "symbol")?,
            filter: find(document, "symbol-filter")?,
            timeframe: find(document, "timeframe")?,
            last_price: find(document, "last-price")?,
            change: find(document, "change")?,
            notice: find(document, "notice")?,
            footer: find(document, "footer")?,
            chart,
        })
    }

    fn set_attr(el: &HtmlElement, name: &str, value: &str) {
        // Setting an attribute on an element we hold cannot fail for these names.
        let _ = el.set_attribute(name, value);
    }

    fn badge(&self, state: &BadgeState, rate: f64) {
        Ui::set_attr(&self.status, "data-state", state.name());
        Ui::set_attr(&self.status, "data-attempt", &state.attempt().to_string());
        self.status.set_text_content(Some(&state.label(rate)));
    }

    fn notice(&self, text: &str) {
        self.notice.set_text_content(Some(text));
        Ui::set_attr(
            &self.notice,
            "data-time",
            &crate::tape::clock(now_ms()).to_string(),
        );
    }

    fn options(select: &HtmlSelectElement, document: &Document, items: &[(String, String)]) {
        select.set_inner_html("");
        for (value, label) in items {
            if let Ok(option) = document.create_element("option") {
                let _ = option.set_attribute("value", value);
                option.set_text_content(Some(label));
                let _ = select.append_child(&option);
            }
        }
    }

    /// Clears the panels for a new session.
    fn reset(&self, venue: Venue, symbol: &Symbol, timeframe: Timeframe, endpoint: &str) {
        let _ = self.chart.set(&[], &[]);
        let _ = self.chart.seconds_visible(timeframe.duration_ms() < 60_000);
        Ui::set_attr(&self.chart_el, "data-candles", "0");
        Ui::set_attr(&self.book, "data-updates", "0");
        self.book
            .set_inner_html(&render::book_html(&Ladder::default(), DEPTH));
        Ui::set_attr(&self.tape, "data-trades", "0");
        self.tape
            .set_inner_html(&render::tape_html(&Tape::new(TAPE_LEN)));
        self.last_price.set_text_content(Some("–"));
        self.change.set_text_content(Some(""));
        self.notice.set_text_content(Some(""));
        self.badge(&BadgeState::Connecting, 0.0);
        self.footer.set_text_content(Some(&format!(
            "{venue} · {symbol} · {timeframe} · {endpoint}"
        )));
        self.document
            .set_title(&format!("{symbol} · {venue} · tradewire"));
    }
}

/// The page's state between sessions.
struct App {
    config: Config,
    api: DataApi,
    ui: Ui,
    venue: Venue,
    symbol: Option<Symbol>,
    timeframe: Timeframe,
    /// The instruments of `symbols_of` (empty until loaded).
    symbols: Vec<SymbolInfo>,
    symbols_of: Option<Venue>,
    /// The venue whose instruments are being fetched.
    symbols_loading: Option<Venue>,
    session: Option<AbortHandle>,
}

type Shared = Rc<RefCell<App>>;

/// Starts the dashboard (called by `bootstrap.js` once the module is loaded).
#[wasm_bindgen]
pub fn start() {
    spawn_local(async {
        if let Err(e) = run().await {
            fatal(&e);
        }
    });
}

/// Shows an error that stops the page.
fn fatal(e: &JsValue) {
    let text = e
        .as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"));
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("notice"))
    {
        el.set_text_content(Some(&format!("error: {text}")));
    }
}

/// `./config.json` (absent: defaults) with the query string applied.
async fn load_config(window: &web_sys::Window) -> (Config, Option<String>) {
    let mut raw = RawConfig::default();
    let mut warning = None;
    let fetched = async {
        let response: web_sys::Response = JsFuture::from(window.fetch_with_str("./config.json"))
            .await?
            .dyn_into()?;
        if !response.ok() {
            return Ok(None);
        }
        let text = JsFuture::from(response.text()?).await?;
        Ok::<_, JsValue>(text.as_string())
    }
    .await;
    // No config.json (static hosting) or no network: production defaults.
    if let Ok(Some(text)) = fetched {
        match RawConfig::from_json(&text) {
            Ok(r) => raw = r,
            Err(e) => warning = Some(e),
        }
    }
    if let Ok(search) = window.location().search() {
        raw.apply_query(&search);
    }
    match raw.resolve() {
        Ok(config) => (config, warning),
        Err(e) => (Config::default(), Some(e)),
    }
}

async fn run() -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| err("no window"))?;
    let document = window.document().ok_or_else(|| err("no document"))?;
    let (config, warning) = load_config(&window).await;
    let ui = Ui::find(&document)?;
    let venues: Vec<(String, String)> = DataApi::available()
        .iter()
        .map(|v| (v.as_str().to_owned(), v.as_str().to_owned()))
        .collect();
    Ui::options(&ui.venue, &document, &venues);
    let app = Rc::new(RefCell::new(App {
        api: config.data_api(),
        venue: config.venue,
        symbol: None,
        timeframe: config.timeframe,
        symbols: Vec::new(),
        symbols_of: None,
        symbols_loading: None,
        session: None,
        ui,
        config,
    }));
    listen(&app)?;
    let (venue, wanted, timeframe) = {
        let a = app.borrow();
        (a.config.venue, a.config.symbol.clone(), a.config.timeframe)
    };
    open(&app, venue, wanted, timeframe);
    if let Some(w) = warning {
        app.borrow().ui.notice(&w);
    }
    Ok(())
}

/// Venue, symbol, filter and timeframe listeners (they live as long as the page).
fn listen(app: &Shared) -> Result<(), JsValue> {
    let ui = app.borrow().ui.clone();
    let on = |el: &HtmlElement, event: &str, f: Box<dyn FnMut()>| -> Result<(), JsValue> {
        let mut f = f;
        let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |_e: web_sys::Event| f());
        el.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref())?;
        closure.forget();
        Ok(())
    };
    let a = app.clone();
    on(
        &ui.venue,
        "change",
        Box::new(move || {
            let value = a.borrow().ui.venue.value();
            if let Ok(venue) = value.parse::<Venue>() {
                let tf = a.borrow().timeframe;
                open(&a, venue, None, tf);
            }
        }),
    )?;
    let a = app.clone();
    on(
        &ui.symbol,
        "change",
        Box::new(move || {
            let (venue, tf, value) = {
                let app = a.borrow();
                (app.venue, app.timeframe, app.ui.symbol.value())
            };
            open(&a, venue, Some(value), tf);
        }),
    )?;
    let a = app.clone();
    on(
        &ui.timeframe,
        "change",
        Box::new(move || {
            let (venue, symbol, value) = {
                let app = a.borrow();
                (
                    app.venue,
                    app.symbol.as_ref().map(|s| s.to_string()),
                    app.ui.timeframe.value(),
                )
            };
            if let Ok(tf) = value.parse::<Timeframe>() {
                open(&a, venue, symbol, tf);
            }
        }),
    )?;
    let a = app.clone();
    on(
        &ui.filter,
        "input",
        Box::new(move || render_symbols(&a.borrow())),
    )?;
    Ok(())
}

/// Refills the symbol picker from the loaded list and the filter text.
fn render_symbols(app: &App) {
    let query = app.ui.filter.value();
    let mut items: Vec<(String, String)> = filter_symbols(&app.symbols, &query, PICKER_LIMIT)
        .into_iter()
        .map(|i| (i.symbol.to_string(), option_label(i)))
        .collect();
    if let Some(current) = &app.symbol {
        let current = current.to_string();
        if !items.iter().any(|(v, _)| *v == current) {
            items.insert(0, (current.clone(), current.clone()));
        }
        Ui::options(&app.ui.symbol, &app.ui.document, &items);
        app.ui.symbol.set_value(&current);
    } else {
        Ui::options(&app.ui.symbol, &app.ui.document, &items);
    }
}

/// Timeframes `md` streams or polls.
fn timeframes(md: &dyn MarketData) -> Vec<Timeframe> {
    let caps = md.capabilities();
    let mut all = caps.stream_timeframes.clone();
    for tf in caps.rest_timeframes {
        if !all.contains(&tf) {
            all.push(tf);
        }
    }
    all
}

/// Ends the current session and starts one for `venue` / `wanted` / `timeframe`.
fn open(app: &Shared, venue: Venue, wanted: Option<String>, timeframe: Timeframe) {
    let mut a = app.borrow_mut();
    if let Some(old) = a.session.take() {
        old.abort();
    }
    let md = match a.api.venue(venue) {
        Ok(md) => md,
        Err(e) => {
            a.ui.notice(&format!("{venue}: {e}"));
            return;
        }
    };
    if a.symbols_of != Some(venue) {
        a.symbols.clear();
        a.symbols_of = None;
        if a.symbols_loading != Some(venue) {
            a.symbols_loading = Some(venue);
            spawn_local(load_symbols(app.clone(), venue));
        }
    }
    let Some(symbol) = pick_symbol(venue, wanted.as_deref(), &a.symbols) else {
        a.ui.notice(&format!("{venue} lists no active instrument"));
        return;
    };
    let supported = timeframes(&*md);
    let timeframe = if supported.contains(&timeframe) {
        timeframe
    } else {
        crate::config::DEFAULT_TIMEFRAME
    };
    let tf_items: Vec<(String, String)> = supported
        .iter()
        .map(|tf| (tf.as_str().to_owned(), tf.as_str().to_owned()))
        .collect();
    Ui::options(&a.ui.timeframe, &a.ui.document, &tf_items);
    a.ui.timeframe.set_value(timeframe.as_str());
    a.ui.venue.set_value(venue.as_str());
    a.venue = venue;
    a.symbol = Some(symbol.clone());
    a.timeframe = timeframe;
    render_symbols(&a);
    let endpoint = a.config.endpoint_label(venue);
    a.ui.reset(venue, &symbol, timeframe, &endpoint);
    let (task, handle) = abortable(session(md, symbol, timeframe, a.ui.clone()));
    a.session = Some(handle);
    drop(a);
    spawn_local(async move {
        let _ = task.await;
    });
}

/// Loads `venue`'s instruments for the picker; when the symbol shown is not among them, shows
/// the venue's default instead.
async fn load_symbols(app: Shared, venue: Venue) {
    let md = match app.borrow().api.venue(venue) {
        Ok(md) => md,
        Err(_) => return,
    };
    let listed = md.get_symbols().await;
    let mut a = app.borrow_mut();
    if a.symbols_loading == Some(venue) {
        a.symbols_loading = None;
    }
    if a.venue != venue {
        return; // the user moved on
    }
    match listed {
        Ok(listed) => {
            a.symbols = listed;
            a.symbols_of = Some(venue);
            render_symbols(&a);
            let known = a
                .symbol
                .as_ref()
                .is_some_and(|s| a.symbols.iter().any(|i| i.symbol == *s && i.active));
            if !known {
                let wanted = a.symbol.as_ref().map(|s| s.to_string());
                a.ui.notice(&format!(
                    "{venue} does not list {}; showing another instrument",
                    wanted.as_deref().unwrap_or("that symbol")
                ));
                let tf = a.timeframe;
                drop(a);
                open(&app, venue, None, tf);
            }
        }
        Err(e) => a.ui.notice(&format!("{venue} instruments: {e}")),
    }
}

/// What a session's loop receives.
enum Msg {
    Status(StatusEvent),
    Candle(tradewire::core::Result<Candle>),
    Book(tradewire::core::Result<BookUpdate>),
    Trade(tradewire::core::Result<Trade>),
    Render,
}

/// One venue/symbol/timeframe: history, streams and status into the page until aborted.
async fn session(md: Box<dyn MarketData>, symbol: Symbol, timeframe: Timeframe, ui: Ui) {
    // The status subscription first: it reports every connection opened after it.
    let status = md.status_events();
    let now = now_ms();
    let step = timeframe.duration_ms();
    let range = TimeRange::new(now - HISTORY_CANDLES * step, now + step);
    let (history, candles, books, trades) = futures::join!(
        md.get_candles(&symbol, timeframe, range),
        md.stream_ohlcv(symbol.clone(), timeframe, StreamOptions::default()),
        md.stream_order_book(vec![symbol.clone()], DEPTH),
        md.stream_trades(vec![symbol.clone()]),
    );

    let mut series = Series::new();
    let mut first_open: Option<Decimal> = None;
    match history {
        Ok(history) => {
            first_open = history.iter().min_by_key(|c| c.open_time).map(|c| c.open);
            let last = history.iter().max_by_key(|c| c.open_time).map(|c| c.close);
            if !history.is_empty() {
                let _ = ui.chart.price_precision(price_precision(&history));
            }
            let (bars, volume) = series.set_history(history);
            if let Err(e) = ui.chart.set(&bars, &volume) {
                ui.notice(&format!("chart: {e:?}"));
            }
            Ui::set_attr(&ui.chart_el, "data-candles", &series.len().to_string());
            if let Some(last) = last {
                show_price(&ui, first_open, last);
            }
        }
        Err(e) => ui.notice(&format!("history: {e}")),
    }

    let mut streams: Vec<LocalBoxStream<'static, Msg>> =
        vec![status.map(Msg::Status).boxed_local()];
    match candles {
        Ok(s) => streams.push(s.map(Msg::Candle).boxed_local()),
        Err(e) => ui.notice(&format!("candles: {e}")),
    }
    match books {
        Ok(s) => streams.push(s.map(Msg::Book).boxed_local()),
        Err(e) => ui.notice(&format!("order book: {e}")),
    }
    match trades {
        Ok(s) => streams.push(s.map(Msg::Trade).boxed_local()),
        Err(e) => ui.notice(&format!("trades: {e}")),
    }
    streams.push(
        futures::stream::unfold((), |()| async {
            tradewire::websockets::runtime::sleep(RENDER_EVERY).await;
            Some((Msg::Render, ()))
        })
        .boxed_local(),
    );
    let mut events = futures::stream::select_all(streams);

    let mut board = StatusBoard::new();
    let mut meter = RateMeter::new(5);
    let mut tape = Tape::new(TAPE_LEN);
    let mut book: Option<BookUpdate> = None;
    let mut book_updates: u64 = 0;
    let (mut book_dirty, mut tape_dirty) = (false, false);
    while let Some(msg) = events.next().await {
        match msg {
            Msg::Status(event) => {
                if board.apply(&event) {
                    ui.badge(&board.state(), meter.rate(now_ms()));
                }
            }
            Msg::Candle(Ok(candle)) => {
                meter.record(now_ms(), 1);
                let close = candle.close;
                let result = match series.apply(&candle) {
                    SeriesOp::Append(bar, volume) | SeriesOp::Replace(bar, volume) => {
                        ui.chart.update(&bar, &volume)
                    }
                    SeriesOp::Ignore => Ok(()),
                };
                if let Err(e) = result {
                    ui.notice(&format!("chart: {e:?}"));
                }
                if first_open.is_none() {
                    first_open = Some(candle.open);
                }
                Ui::set_attr(&ui.chart_el, "data-candles", &series.len().to_string());
                show_price(&ui, first_open, close);
            }
            Msg::Book(Ok(update)) => {
                meter.record(now_ms(), 1);
                book_updates += 1;
                book = Some(update);
                book_dirty = true;
            }
            Msg::Trade(Ok(trade)) => {
                meter.record(now_ms(), 1);
                tape.push(&trade);
                tape_dirty = true;
            }
            Msg::Candle(Err(e)) => ui.notice(&format!("candles: {e}")),
            Msg::Book(Err(e)) => ui.notice(&format!("order book: {e}")),
            Msg::Trade(Err(e)) => ui.notice(&format!("trades: {e}")),
            Msg::Render => {
                if book_dirty {
                    if let Some(b) = &book {
                        ui.book.set_inner_html(&render::book_html(
                            &Ladder::from_book(b, DEPTH),
                            DEPTH,
                        ));
                    }
                    Ui::set_attr(&ui.book, "data-updates", &book_updates.to_string());
                    book_dirty = false;
                }
                if tape_dirty {
                    ui.tape.set_inner_html(&render::tape_html(&tape));
                    Ui::set_attr(&ui.tape, "data-trades", &tape.received().to_string());
                    tape_dirty = false;
                }
                ui.badge(&board.state(), meter.rate(now_ms()));
            }
        }
    }
    // Not reached: the render ticker never ends; the session ends by being aborted, which
    // drops `md` and every stream (closing their connections).
    drop(md);
}

fn show_price(ui: &Ui, first_open: Option<Decimal>, last: Decimal) {
    let (price, change) = headline(first_open, last);
    ui.last_price.set_text_content(Some(&price));
    let change = change.unwrap_or_default();
    let class = if change.starts_with('-') {
        "down"
    } else {
        "up"
    };
    Ui::set_attr(&ui.change, "class", class);
    ui.change.set_text_content(Some(&change));
}

//! The candlestick + volume chart: bindings to TradingView's `lightweight-charts` (the
//! standalone build, which defines the global `LightweightCharts`), loaded by `index.html`
//! before the wasm module.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::series::{Bar, VolumeBar};

#[wasm_bindgen]
extern "C" {
    /// `IChartApi`.
    #[derive(Debug, Clone)]
    pub type ChartApi;
    /// `ISeriesApi`.
    #[derive(Debug, Clone)]
    pub type SeriesApi;
    /// `IPriceScaleApi`.
    #[derive(Debug, Clone)]
    pub type PriceScaleApi;

    #[wasm_bindgen(js_namespace = LightweightCharts, js_name = createChart, catch)]
    fn create_chart(
        container: &web_sys::HtmlElement,
        options: &JsValue,
    ) -> Result<ChartApi, JsValue>;

    #[wasm_bindgen(method, js_name = addSeries, catch)]
    fn add_series(this: &ChartApi, kind: &JsValue, options: &JsValue)
    -> Result<SeriesApi, JsValue>;

    #[wasm_bindgen(method, js_name = applyOptions)]
    fn apply_options(this: &ChartApi, options: &JsValue);

    #[wasm_bindgen(method, js_name = applyOptions)]
    fn apply_series_options(this: &SeriesApi, options: &JsValue);

    #[wasm_bindgen(method, js_name = setData, catch)]
    fn set_data(this: &SeriesApi, data: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn update(this: &SeriesApi, bar: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, js_name = priceScale)]
    fn price_scale(this: &SeriesApi) -> PriceScaleApi;

    #[wasm_bindgen(method, js_name = applyOptions)]
    fn apply_scale_options(this: &PriceScaleApi, options: &JsValue);
}

/// `value` as a JS object (through JSON: plain data only).
fn js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::JSON::parse(&text)
}

/// `LightweightCharts[name]`, or an error saying the library is missing.
fn series_kind(name: &str) -> Result<JsValue, JsValue> {
    let lib = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("LightweightCharts"))?;
    if lib.is_undefined() {
        return Err(JsValue::from_str(
            "the charting library (lightweight-charts) is not loaded",
        ));
    }
    js_sys::Reflect::get(&lib, &JsValue::from_str(name))
}

/// The dashboard's chart: candles on top, volume along the bottom.
#[derive(Debug, Clone)]
pub struct Chart {
    chart: ChartApi,
    candles: SeriesApi,
    volume: SeriesApi,
}

impl Chart {
    /// Creates the chart in `container` (dark theme, sized to the container).
    pub fn new(container: &web_sys::HtmlElement) -> Result<Chart, JsValue> {
        let options = serde_json::json!({
            "autoSize": true,
            "layout": {
                "background": {"type": "solid", "color": "#0b0e11"},
                "textColor": "#8b949e",
                "fontSize": 11,
                "attributionLogo": true
            },
            "grid": {
                "vertLines": {"color": "#161b22"},
                "horzLines": {"color": "#161b22"}
            },
            "crosshair": {"mode": 0},
            "rightPriceScale": {"borderColor": "#21262d"},
            "timeScale": {"borderColor": "#21262d", "timeVisible": true, "secondsVisible": false}
        });
        let chart = create_chart(container, &js(&options)?)?;
        let candles = chart.add_series(
            &series_kind("CandlestickSeries")?,
            &js(&serde_json::json!({
                "upColor": "#26a69a", "downColor": "#ef5350",
                "borderVisible": false,
                "wickUpColor": "#26a69a", "wickDownColor": "#ef5350"
            }))?,
        )?;
        candles
            .price_scale()
            .apply_scale_options(&js(&serde_json::json!({
                "scaleMargins": {"top": 0.08, "bottom": 0.25}
            }))?);
        let volume = chart.add_series(
            &series_kind("HistogramSeries")?,
            &js(&serde_json::json!({
                "priceFormat": {"type": "volume"},
                "priceScaleId": "",
                "lastValueVisible": false,
                "priceLineVisible": false
            }))?,
        )?;
        volume
            .price_scale()
            .apply_scale_options(&js(&serde_json::json!({
                "scaleMargins": {"top": 0.8, "bottom": 0.0}
            }))?);
        Ok(Chart {
            chart,
            candles,
            volume,
        })
    }

    /// Shows seconds on the time axis (sub-minute timeframes) or not.
    pub fn seconds_visible(&self, visible: bool) -> Result<(), JsValue> {
        self.chart.apply_options(&js(&serde_json::json!({
            "timeScale": {"secondsVisible": visible}
        }))?);
        Ok(())
    }

    /// Shows prices with `precision` decimals on the axis and the crosshair.
    pub fn price_precision(&self, precision: u32) -> Result<(), JsValue> {
        let min_move = 10f64.powi(-(precision.min(10) as i32));
        self.candles.apply_series_options(&js(&serde_json::json!({
            "priceFormat": {"type": "price", "precision": precision, "minMove": min_move}
        }))?);
        Ok(())
    }

    /// Replaces every bar.
    pub fn set(&self, bars: &[Bar], volume: &[VolumeBar]) -> Result<(), JsValue> {
        self.candles.set_data(&js(&bars)?)?;
        self.volume.set_data(&js(&volume)?)
    }

    /// Adds a bar after the last one, or replaces the last one (same time).
    pub fn update(&self, bar: &Bar, volume: &VolumeBar) -> Result<(), JsValue> {
        self.candles.update(&js(bar)?)?;
        self.volume.update(&js(volume)?)
    }
}

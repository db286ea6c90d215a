//! The supervisor: one task per connection that connects, reads, writes, keeps the connection
//! alive, renews it and reconnects it. Platform-neutral: it runs over `platform::Socket`.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use web_time::Instant;

use crate::backoff::Backoff;
use crate::connection::Shared;
use crate::error::{DisconnectReason, WsError};
use crate::event::ConnectionState;
use crate::frame::Frame;
use crate::platform::{self, BoxFuture, Incoming, Socket};
use crate::protocol::Intercept;
use crate::queue::Inbound;

/// Requests from handles to the supervisor.
#[derive(Debug)]
pub(crate) enum Command {
    Close,
    Reconnect,
    Renew,
}

/// Frames read off the socket in one go before handing them to the consumer.
const READ_BATCH: usize = 256;

/// One established socket with its bookkeeping.
struct Link {
    socket: Socket,
    generation: u64,
    connected_at: Instant,
    last_rx: Instant,
    /// Replay (auth + subscriptions) still to write, paced by the rate limiter.
    restore: VecDeque<Frame>,
    /// Data frames received.
    received: u64,
    /// The protocol wants to see inbound frames.
    intercepts: bool,
}

impl Link {
    fn new(socket: Socket, generation: u64, restore: VecDeque<Frame>, intercepts: bool) -> Self {
        let now = Instant::now();
        Link {
            intercepts,
            socket,
            generation,
            connected_at: now,
            last_rx: now,
            restore,
            received: 0,
        }
    }
}

enum Renewal {
    Idle,
    Connecting(BoxFuture<Result<Socket, WsError>>),
    Overlap { link: Box<Link>, since: Instant },
}

/// How a session ended.
struct SessionEnd {
    reason: DisconnectReason,
    uptime: Duration,
}

async fn connect_with_timeout(shared: Arc<Shared>) -> Result<Socket, WsError> {
    let timeout = shared.config.connect_timeout;
    tokio::select! {
        r = platform::connect(&shared.config) => r,
        _ = platform::sleep(timeout) => Err(WsError::ConnectTimeout(timeout)),
    }
}

/// Waits `delay`, or returns the command that interrupted the wait.
async fn sleep_or_command(
    delay: Duration,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> Option<Command> {
    tokio::select! {
        _ = platform::sleep(delay) => None,
        c = commands.recv() => Some(c.unwrap_or(Command::Close)),
    }
}

/// The supervisor task.
pub(crate) async fn run(shared: Arc<Shared>, mut commands: mpsc::UnboundedReceiver<Command>) {
    let mut backoff = Backoff::new(shared.config.reconnect.clone());
    let mut generation = 0u64;
    let mut ever_connected = false;
    let exit = 'outer: loop {
        shared.set_state(if ever_connected {
            ConnectionState::Reconnecting
        } else {
            ConnectionState::Connecting
        });
        let mut refused = false;
        if let Some(limiter) = &shared.limiter {
            if let Err(e) = limiter.check_connection() {
                let wait = e.retry_after.unwrap_or(Duration::from_secs(1));
                tracing::warn!(url = %shared.config.url, "connection attempts rate limited: {e}");
                shared.inbound.push(Inbound::Error(WsError::RateLimited(e)));
                if let Some(Command::Close) = sleep_or_command(wait, &mut commands).await {
                    break 'outer DisconnectReason::ClosedByUser;
                }
                refused = true;
            }
        }
        if !refused {
            let attempt = tokio::select! {
                // Boxed: the connect future is large and would otherwise live in this task's
                // state for the connection's whole life.
                r = Box::pin(connect_with_timeout(Arc::clone(&shared))) => Ok(r),
                c = commands.recv() => Err(c.unwrap_or(Command::Close)),
            };
            match attempt {
                Err(Command::Close) => break 'outer DisconnectReason::ClosedByUser,
                Err(_) => continue,
                Ok(Err(e)) => {
                    tracing::warn!(url = %shared.config.url, "connect failed: {e}");
                    shared.metrics.on_error();
                    shared.inbound.push(Inbound::Error(e));
                }
                Ok(Ok(socket)) => {
                    generation += 1;
                    shared
                        .epoch
                        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    shared.metrics.on_connected(ever_connected);
                    ever_connected = true;
                    // The replay is taken before the state says Connected, so that a venue
                    // protocol observing the state (e.g. a session logon) never sees a new
                    // connection as usable before its auth frames exist.
                    let link = Link::new(
                        socket,
                        generation,
                        shared.restore_frames(),
                        shared.protocol.intercepts(),
                    );
                    shared.set_state(ConnectionState::Connected);
                    shared.inbound.push(Inbound::Connected);
                    tracing::info!(url = %shared.config.url, generation, "connected");
                    let end = session(&shared, link, &mut generation, &mut commands).await;
                    shared.metrics.on_disconnected();
                    if end.uptime >= shared.config.reconnect.reset_after {
                        backoff.reset();
                    }
                    if end.reason == DisconnectReason::ClosedByUser {
                        break 'outer end.reason;
                    }
                    tracing::info!(url = %shared.config.url, reason = %end.reason, "disconnected");
                    shared.inbound.push(Inbound::Disconnected(end.reason));
                }
            }
        }
        if backoff.exhausted() {
            break 'outer DisconnectReason::GaveUp {
                attempts: backoff.attempt(),
            };
        }
        let delay = backoff.next_delay();
        let attempt = backoff.attempt();
        shared
            .reconnect_attempts
            .store(attempt, std::sync::atomic::Ordering::Relaxed);
        shared.set_state(ConnectionState::Reconnecting);
        shared
            .inbound
            .push(Inbound::Reconnecting { attempt, delay });
        match sleep_or_command(delay, &mut commands).await {
            Some(Command::Close) => break 'outer DisconnectReason::ClosedByUser,
            _ => continue,
        }
    };
    shared.inbound.push(Inbound::Disconnected(exit));
    shared.inbound.close();
    shared.finished();
    shared.set_state(ConnectionState::Closed);
}

enum RenewalEvent {
    Incoming(Option<Result<Incoming, WsError>>),
    Connected(Result<Box<Socket>, WsError>),
}

/// The next thing that happens on the renewal side; pending while there is no renewal.
async fn renewal_event(renewal: &mut Renewal) -> RenewalEvent {
    match renewal {
        Renewal::Overlap { link, .. } => RenewalEvent::Incoming(link.socket.recv().await),
        Renewal::Connecting(fut) => RenewalEvent::Connected(fut.await.map(Box::new)),
        Renewal::Idle => std::future::pending().await,
    }
}

async fn wait_until(at: Option<Instant>) {
    match at {
        Some(at) => platform::sleep(at.saturating_duration_since(Instant::now())).await,
        None => std::future::pending().await,
    }
}

/// Frames and bytes received in one batch, added to the metrics once per batch.
#[derive(Default)]
struct Tally {
    frames: u64,
    bytes: u64,
}

impl Tally {
    fn flush(&mut self, shared: &Shared, now: Instant) {
        shared.metrics.on_received(self.frames, self.bytes);
        shared.metrics.touch_at(now);
        *self = Tally::default();
    }
}

/// What a received item means for the link it came from.
enum Received {
    Ok,
    Ended(DisconnectReason),
}

/// Handles one inbound item of `link`: data frames go to `batch` (or are answered by the
/// protocol hook), control frames only prove liveness.
async fn on_incoming(
    shared: &Shared,
    link: &mut Link,
    item: Option<Result<Incoming, WsError>>,
    batch: &mut VecDeque<Inbound>,
    now: Instant,
    tally: &mut Tally,
) -> Received {
    match classify(shared, link, item, batch, now, tally) {
        Step::Done(received) => received,
        Step::Reply(reply) => send_reply(shared, link, reply).await,
    }
}

/// Writes a protocol reply (e.g. a venue pong) on `link`.
async fn send_reply(shared: &Shared, link: &mut Link, reply: Frame) -> Received {
    let len = reply.len() as u64;
    match link.socket.send(reply).await {
        Ok(()) => {
            shared.metrics.on_sent(len);
            Received::Ok
        }
        Err(e) => Received::Ended(DisconnectReason::Error {
            message: e.to_string(),
        }),
    }
}

/// The synchronous part of [`on_incoming`]: everything but writing a protocol reply, so the
/// common case costs no await point.
enum Step {
    Done(Received),
    Reply(Frame),
}

fn classify(
    shared: &Shared,
    link: &mut Link,
    item: Option<Result<Incoming, WsError>>,
    batch: &mut VecDeque<Inbound>,
    now: Instant,
    tally: &mut Tally,
) -> Step {
    let received = match item {
        Some(Ok(Incoming::Data(frame))) => {
            link.last_rx = now;
            link.received += 1;
            tally.frames += 1;
            tally.bytes += frame.len() as u64;
            if !link.intercepts {
                batch.push_back(Inbound::Frame {
                    frame,
                    generation: link.generation,
                });
                return Step::Done(Received::Ok);
            }
            match shared.protocol.intercept(&frame) {
                Intercept::Pass => batch.push_back(Inbound::Frame {
                    frame,
                    generation: link.generation,
                }),
                Intercept::Swallow => {}
                Intercept::Reply(reply) => return Step::Reply(reply),
            }
            Received::Ok
        }
        Some(Ok(Incoming::Control)) => {
            link.last_rx = now;
            Received::Ok
        }
        Some(Ok(Incoming::Close { code, reason })) => {
            Received::Ended(DisconnectReason::ClosedByPeer { code, reason })
        }
        Some(Err(e)) => {
            shared.metrics.on_error();
            let message = e.to_string();
            if matches!(e, WsError::FrameTooLarge { .. }) {
                shared.inbound.push(Inbound::Error(e));
            }
            Received::Ended(DisconnectReason::Error { message })
        }
        None => Received::Ended(DisconnectReason::StreamEnded),
    };
    Step::Done(received)
}

/// Writes what is due on `link`: the paced replay first. Returns the instant at which the next
/// replay frame may go (when the rate limiter asks to wait), or an error that ends the link.
async fn write_restore(shared: &Shared, link: &mut Link) -> Result<Option<Instant>, WsError> {
    while !link.restore.is_empty() {
        if let Some(limiter) = &shared.limiter {
            if let Err(e) = limiter.check_messages_at(1, Instant::now()) {
                let wait = e.retry_after.unwrap_or(Duration::from_millis(100));
                return Ok(Some(Instant::now() + wait));
            }
        }
        let Some(frame) = link.restore.pop_front() else {
            break;
        };
        let len = frame.len() as u64;
        link.socket.send(frame).await?;
        shared.metrics.on_sent(len);
    }
    Ok(None)
}

/// Flushes the user's outbound queue on `link`, in order. A frame is taken off the queue before
/// it is written, so a failed write is reported and never repeated.
async fn write_outbound(shared: &Shared, link: &mut Link) -> Result<(), WsError> {
    let epoch = shared.epoch.load(std::sync::atomic::Ordering::SeqCst);
    while let Some(item) = shared.pop_outbound() {
        if item.epoch.is_some_and(|e| e != epoch) {
            tracing::warn!("discarding a send-once frame queued before the connection dropped");
            shared.metrics.on_error();
            continue;
        }
        let frame = item.frame;
        let len = frame.len() as u64;
        link.socket.send(frame).await?;
        shared.metrics.on_sent(len);
    }
    Ok(())
}

async fn heartbeat(shared: &Shared, link: &mut Link) -> Result<(), WsError> {
    if platform::PROTOCOL_PING {
        link.socket.ping().await?;
    }
    if let Some(ping) = shared.protocol.ping_frame() {
        let len = ping.len() as u64;
        link.socket.send(ping).await?;
        shared.metrics.on_sent(len);
    }
    Ok(())
}

fn ended(primary: &Link, reason: DisconnectReason) -> SessionEnd {
    SessionEnd {
        reason,
        uptime: primary.connected_at.elapsed(),
    }
}

/// Serves one connection until it ends; renews it make-before-break when it gets old.
async fn session(
    shared: &Arc<Shared>,
    mut primary: Link,
    generation: &mut u64,
    commands: &mut mpsc::UnboundedReceiver<Command>,
) -> SessionEnd {
    let cfg = &shared.config;
    let tick_every = cfg.tick_interval();
    let mut tick: BoxFuture<()> = Box::pin(platform::sleep(tick_every));
    let mut last_ping = Instant::now();
    let mut renewal = Renewal::Idle;
    let mut renewal_retry_at: Option<Instant> = None;
    let mut pace_at: Option<Instant> = None;
    let mut outbound_due = true;
    let mut batch: VecDeque<Inbound> = VecDeque::new();

    loop {
        // Writes due: replay first (paced), then user sends (held during a renewal overlap).
        if pace_at.is_none_or(|at| at <= Instant::now()) {
            match write_restore(shared, &mut primary).await {
                Ok(at) => pace_at = at,
                Err(e) => {
                    return ended(
                        &primary,
                        DisconnectReason::Error {
                            message: e.to_string(),
                        },
                    );
                }
            }
            if let Renewal::Overlap { link, .. } = &mut renewal {
                if pace_at.is_none() {
                    match write_restore(shared, link).await {
                        Ok(at) => pace_at = at,
                        Err(e) => {
                            tracing::warn!("renewal connection failed during replay: {e}");
                            renewal = Renewal::Idle;
                            shared.inbound.push(Inbound::OverlapEnd);
                        }
                    }
                }
            }
        }
        if outbound_due && primary.restore.is_empty() && !matches!(renewal, Renewal::Overlap { .. })
        {
            outbound_due = false;
            if let Err(e) = write_outbound(shared, &mut primary).await {
                shared.inbound.push(Inbound::Error(e.clone()));
                return ended(
                    &primary,
                    DisconnectReason::Error {
                        message: e.to_string(),
                    },
                );
            }
        }

        tokio::select! {
            command = commands.recv() => match command.unwrap_or(Command::Close) {
                Command::Close => {
                    if let Renewal::Overlap { link, .. } = renewal {
                        Box::pin(link.socket.close(1000, "client closing")).await;
                    }
                    let uptime = primary.connected_at.elapsed();
                    Box::pin(primary.socket.close(1000, "client closing")).await;
                    return SessionEnd { reason: DisconnectReason::ClosedByUser, uptime };
                }
                Command::Reconnect => {
                    let uptime = primary.connected_at.elapsed();
                    Box::pin(primary.socket.close(1000, "reconnecting")).await;
                    return SessionEnd {
                        reason: DisconnectReason::Error { message: "reconnect requested".into() },
                        uptime,
                    };
                }
                Command::Renew => {
                    if matches!(renewal, Renewal::Idle) {
                        renewal = Renewal::Connecting(Box::pin(connect_with_timeout(Arc::clone(shared))));
                    }
                }
            },
            item = primary.socket.recv() => {
                let now = Instant::now();
                let mut tally = Tally::default();
                let mut outcome = on_incoming(shared, &mut primary, item, &mut batch, now, &mut tally).await;
                // Take whatever else is already buffered, then hand it over in one go.
                while matches!(outcome, Received::Ok) && batch.len() < READ_BATCH {
                    let Some(item) = primary.socket.try_recv() else { break };
                    outcome = match classify(shared, &mut primary, Some(item), &mut batch, now, &mut tally) {
                        Step::Done(received) => received,
                        Step::Reply(reply) => send_reply(shared, &mut primary, reply).await,
                    };
                }
                tally.flush(shared, now);
                shared.inbound.push_batch(&mut batch);
                if let Received::Ended(reason) = outcome {
                    if let Renewal::Overlap { link, .. } = renewal {
                        // The old connection died during the overlap: the new one takes over.
                        primary = *link;
                        renewal = Renewal::Idle;
                        shared.inbound.push(Inbound::OverlapEnd);
                        tracing::info!(%reason, "old connection ended during renewal");
                        continue;
                    }
                    return ended(&primary, reason);
                }
            },
            event = renewal_event(&mut renewal) => {
                let mut renewing = Renewing {
                    primary: &mut primary,
                    renewal: &mut renewal,
                    retry_at: &mut renewal_retry_at,
                    generation,
                };
                if renewing.on_event(shared, event, &mut batch).await {
                    outbound_due = true;
                }
            },
            _ = shared.outbound_notify.notified() => {
                outbound_due = true;
            },
            _ = wait_until(pace_at) => {},
            _ = &mut tick => {
                let now = Instant::now();
                tick = Box::pin(platform::sleep(tick_every));
                if let Some(idle) = cfg.idle_timeout {
                    if now.saturating_duration_since(primary.last_rx) >= idle {
                        tracing::warn!(url = %cfg.url, "no data or pong for {idle:?}: peer presumed dead");
                        return ended(&primary, DisconnectReason::IdleTimeout);
                    }
                }
                if let Some(every) = cfg.ping_interval {
                    if now.saturating_duration_since(last_ping) >= every {
                        last_ping = now;
                        if let Err(e) = heartbeat(shared, &mut primary).await {
                            return ended(&primary, DisconnectReason::Error { message: e.to_string() });
                        }
                        if let Renewal::Overlap { link, .. } = &mut renewal {
                            let _ = heartbeat(shared, link).await;
                        }
                    }
                }
                match &renewal {
                    Renewal::Idle => {
                        let old = cfg
                            .max_connection_age
                            .is_some_and(|age| primary.connected_at.elapsed() >= age);
                        if old && renewal_retry_at.is_none_or(|at| now >= at) {
                            renewal_retry_at = None;
                            tracing::info!(url = %cfg.url, "connection reached max age; renewing");
                            renewal = Renewal::Connecting(Box::pin(connect_with_timeout(Arc::clone(shared))));
                        }
                    }
                    Renewal::Overlap { since, link } => {
                        if now.saturating_duration_since(*since) >= cfg.renewal_overlap && link.restore.is_empty() {
                            let since = *since;
                            switch_over(shared, &mut primary, &mut renewal, since);
                            outbound_due = true;
                        }
                    }
                    Renewal::Connecting(_) => {}
                }
            },
        }
    }
}

/// The renewal side of a session, borrowed for one event.
struct Renewing<'a> {
    primary: &'a mut Link,
    renewal: &'a mut Renewal,
    retry_at: &'a mut Option<Instant>,
    generation: &'a mut u64,
}

impl Renewing<'_> {
    /// Handles one renewal event; true when the switch-over happened (queued sends may flow).
    async fn on_event(
        &mut self,
        shared: &Shared,
        event: RenewalEvent,
        batch: &mut VecDeque<Inbound>,
    ) -> bool {
        let cfg = &shared.config;
        match event {
            RenewalEvent::Connected(Ok(socket)) => {
                *self.generation += 1;
                let generation = *self.generation;
                shared.metrics.on_connected(false);
                shared.inbound.push(Inbound::OverlapBegin {
                    old: self.primary.generation,
                    new: generation,
                });
                tracing::info!(generation, "renewal connected; overlapping");
                let link = Link::new(
                    *socket,
                    generation,
                    shared.restore_frames(),
                    shared.protocol.intercepts(),
                );
                *self.renewal = Renewal::Overlap {
                    link: Box::new(link),
                    since: Instant::now(),
                };
                false
            }
            RenewalEvent::Connected(Err(e)) => {
                tracing::warn!("renewal connect failed: {e}");
                shared.metrics.on_error();
                *self.renewal = Renewal::Idle;
                *self.retry_at =
                    Some(Instant::now() + cfg.reconnect.max_delay.min(Duration::from_secs(10)));
                false
            }
            RenewalEvent::Incoming(item) => {
                let Renewal::Overlap { link, since } = &mut *self.renewal else {
                    return false;
                };
                let since = *since;
                let now = Instant::now();
                let mut tally = Tally::default();
                let outcome = on_incoming(shared, link, item, batch, now, &mut tally).await;
                tally.flush(shared, now);
                shared.inbound.push_batch(batch);
                match outcome {
                    Received::Ended(reason) => {
                        tracing::warn!(%reason, "renewal connection ended before switch-over");
                        *self.renewal = Renewal::Idle;
                        *self.retry_at = Some(
                            Instant::now()
                                + cfg.reconnect.initial_delay.max(Duration::from_secs(1)),
                        );
                        shared.inbound.push(Inbound::OverlapEnd);
                        false
                    }
                    Received::Ok if link.received > 0 && link.restore.is_empty() => {
                        switch_over(shared, self.primary, self.renewal, since);
                        true
                    }
                    Received::Ok => false,
                }
            }
        }
    }
}

/// The renewal link becomes the primary; the old one is closed in the background.
fn switch_over(shared: &Shared, primary: &mut Link, renewal: &mut Renewal, since: Instant) {
    let Renewal::Overlap { link, .. } = std::mem::replace(renewal, Renewal::Idle) else {
        return;
    };
    let mut old = std::mem::replace(primary, *link);
    // Whatever the old connection already received is still delivered (before `OverlapEnd`),
    // so a frame in flight on the old socket at the switch is not lost; duplicates of what the
    // new connection delivers are dropped by the consumer's dedupe.
    let mut batch = VecDeque::new();
    let mut tally = Tally::default();
    let now = Instant::now();
    for _ in 0..READ_BATCH * 16 {
        let Some(item) = old.socket.try_recv() else {
            break;
        };
        if let Step::Done(Received::Ended(_)) =
            classify(shared, &mut old, Some(item), &mut batch, now, &mut tally)
        {
            break;
        }
    }
    tally.flush(shared, now);
    shared.inbound.push_batch(&mut batch);
    tracing::info!(
        old = old.generation,
        new = primary.generation,
        overlap_ms = since.elapsed().as_millis() as u64,
        "renewal complete"
    );
    platform::spawn(old.socket.close(1000, "renewed"));
    shared.inbound.push(Inbound::OverlapEnd);
}

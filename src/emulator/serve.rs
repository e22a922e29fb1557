//! The accept loop. It is axum's `serve` with one thing added: a response marked
//! [`DropConnection`] is never sent — its connection is closed instead, which is how
//! a real network loses an answer. axum's own loop has no way to do that.

use std::convert::Infallible;
use std::pin::pin;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tower::ServiceExt;

/// Put in a response's extensions: close the connection instead of answering.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DropConnection;

#[derive(Debug, thiserror::Error)]
#[error("the answer was dropped on purpose")]
struct Dropped;

/// Serves `app` on `listener` until `stop` fires, then lets the requests in flight
/// finish (idle connections close at once) and returns when every connection has.
pub(crate) async fn serve(listener: TcpListener, app: Router, stop: oneshot::Receiver<()>) {
    // Dropping `closing` tells the connections to finish; each holds a clone of
    // `open`, so `open_tx.closed()` resolves when the last one is gone.
    let (closing, closing_rx) = watch::channel(());
    let (open_tx, open) = watch::channel(());
    let mut stop = pin!(stop);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stop => break,
        };
        // A failed accept (a connection reset before it was taken, too many open
        // files) concerns that connection only.
        let Ok((stream, _)) = accepted else { continue };
        // Answers go out at once, not held back for more bytes to send.
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut closing = closing_rx.clone();
        let open = open.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let app = app.clone();
                async move {
                    let response: Response = app
                        .oneshot(request.map(Body::new))
                        .await
                        .unwrap_or_else(|never: Infallible| match never {});
                    if response.extensions().get::<DropConnection>().is_some() {
                        Err(Dropped)
                    } else {
                        Ok(response)
                    }
                }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            let mut connection = pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return drop(open),
                _ = closing.changed() => connection.as_mut().graceful_shutdown(),
            }
            let _ = connection.await;
            drop(open);
        });
    }
    drop(listener);
    drop(closing);
    drop(open);
    open_tx.closed().await;
}

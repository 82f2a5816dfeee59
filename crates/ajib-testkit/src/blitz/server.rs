//! The fake panel's server thread and its listener, which can refuse connections.

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::oneshot,
};

use crate::blitz::{api, state::Shared};

/// The server thread: runs until `shutdown` fires, then drops the runtime,
/// which cancels every connection and hanging request.
pub(crate) fn serve(
    std_listener: std::net::TcpListener,
    shared: Arc<Shared>,
    shutdown: oneshot::Receiver<()>,
    ready: std::sync::mpsc::Sender<()>,
) {
    // On failure `ready` is dropped unsent, and `try_start` reports that the server did not start.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return log::error!("fake blitz: no tokio runtime: {err}"),
    };
    runtime.block_on(async move {
        let listener = match TcpListener::from_std(std_listener) {
            Ok(listener) => listener,
            Err(err) => return log::error!("fake blitz: no tokio listener: {err}"),
        };
        let listener = GatedListener {
            inner: listener,
            shared: shared.clone(),
        };
        let app = api::router(shared);
        tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                log::error!("fake blitz: server stopped: {err}");
            }
        });
        let _ = ready.send(());
        // A dropped sender (the FakeBlitz leaked or panicked) also stops us.
        let _ = shutdown.await;
    });
}

/// A listener that closes new connections while the fault is `Refuse`.
struct GatedListener {
    inner: TcpListener,
    shared: Arc<Shared>,
}

impl axum::serve::Listener for GatedListener {
    type Io = GatedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((_, _)) if self.shared.refusing() => (),
                Ok((stream, addr)) => {
                    let stream = GatedStream {
                        inner: stream,
                        shared: self.shared.clone(),
                    };
                    return (stream, addr);
                }
                // Out of file descriptors and the like: wait and go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A connection that reads as closed while the fault is `Refuse`, so a
/// client's kept-alive connection fails too.
struct GatedStream {
    inner: TcpStream,
    shared: Arc<Shared>,
}

impl AsyncRead for GatedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.shared.refusing() {
            // End of stream: the server closes the connection without answering.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for GatedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

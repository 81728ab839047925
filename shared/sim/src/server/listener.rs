//! A listener that can stop accepting and re-bind the same port (BOSH "unreachable"), with
//! optional TLS, for `axum::serve`.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// Turns the listener off and on; `listening` reports what is actually in effect.
#[derive(Debug)]
pub(crate) struct Gate {
    pub(crate) reachable: watch::Receiver<bool>,
    pub(crate) listening: watch::Sender<bool>,
}

pub(crate) struct GatedListener {
    addr: SocketAddr,
    listener: Option<TcpListener>,
    gate: Option<Gate>,
    /// Bumped when the gate closes, so connections accepted earlier fail on their next I/O.
    generation: Arc<AtomicU64>,
    tls: Option<TlsAcceptor>,
}

impl std::fmt::Debug for GatedListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatedListener")
            .field("addr", &self.addr)
            .field("tls", &self.tls.is_some())
            .finish_non_exhaustive()
    }
}

impl GatedListener {
    pub(crate) fn new(listener: TcpListener, addr: SocketAddr, gate: Option<Gate>, tls: Option<TlsAcceptor>) -> Self {
        Self { addr, listener: Some(listener), gate, generation: Arc::new(AtomicU64::new(0)), tls }
    }

    fn is_reachable(&mut self) -> bool {
        self.gate.as_mut().is_none_or(|g| *g.reachable.borrow_and_update())
    }

    fn report(&self, listening: bool) {
        if let Some(gate) = &self.gate {
            gate.listening.send_replace(listening);
        }
    }

    async fn gate_changed(gate: Option<&mut Gate>) {
        match gate {
            Some(g) => {
                if g.reachable.changed().await.is_err() {
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending::<()>().await,
        }
    }
}

impl axum::serve::Listener for GatedListener {
    type Io = GatedIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            if !self.is_reachable() {
                if self.listener.take().is_some() {
                    self.generation.fetch_add(1, Ordering::SeqCst);
                    tracing::info!(addr = %self.addr, "listener closed (unreachable fault)");
                }
                self.report(false);
                Self::gate_changed(self.gate.as_mut()).await;
                continue;
            }
            let Some(listener) = self.listener.as_ref() else {
                match TcpListener::bind(self.addr).await {
                    Ok(l) => {
                        tracing::info!(addr = %self.addr, "listener re-bound");
                        self.listener = Some(l);
                        self.report(true);
                    }
                    Err(error) => {
                        tracing::warn!(addr = %self.addr, %error, "re-bind failed; retrying");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
                continue;
            };
            let accepted = tokio::select! {
                res = listener.accept() => res,
                () = Self::gate_changed(self.gate.as_mut()) => continue,
            };
            let (stream, peer) = match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::debug!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            let generation = self.generation.load(Ordering::SeqCst);
            let inner = match &self.tls {
                None => Inner::Plain(stream),
                Some(acceptor) => match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => Inner::Tls(Box::new(tls)),
                    Ok(Err(error)) => {
                        tracing::debug!(%error, "TLS handshake failed");
                        continue;
                    }
                    Err(_) => continue,
                },
            };
            return (GatedIo { inner, generation, current: Arc::clone(&self.generation) }, peer);
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}

#[derive(Debug)]
enum Inner {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

/// A connection that breaks once its listener was closed by the unreachable fault.
#[derive(Debug)]
pub(crate) struct GatedIo {
    inner: Inner,
    generation: u64,
    current: Arc<AtomicU64>,
}

impl GatedIo {
    fn check(&self) -> io::Result<()> {
        if self.current.load(Ordering::SeqCst) == self.generation {
            Ok(())
        } else {
            Err(io::Error::new(io::ErrorKind::ConnectionReset, "listener closed by fault"))
        }
    }
}

impl AsyncRead for GatedIo {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Err(e) = this.check() {
            return Poll::Ready(Err(e));
        }
        match &mut this.inner {
            Inner::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for GatedIo {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Err(e) = this.check() {
            return Poll::Ready(Err(e));
        }
        match &mut this.inner {
            Inner::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().inner {
            Inner::Plain(s) => Pin::new(s).poll_flush(cx),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().inner {
            Inner::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Inner::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

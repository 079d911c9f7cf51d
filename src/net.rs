//! Socket helpers shared by the probe and the lab (neither imports the other): the accept loop every
//! local listener runs (the lab server, the lab gateway, the lab link, the gateway probe's forwarder),
//! and a bounded `shutdown()` for a socket whose peer may never read.
//!
//! A failed `accept()` (EMFILE / ENFILE when the process is out of descriptors, ENOBUFS, ...) leaves
//! the pending connection in the kernel's backlog, so the listener stays readable and the next
//! `accept()` fails at once: retrying straight away spins a core for as long as the shortage lasts.
//! The loop waits instead, 10 ms after the first failure, doubling up to 1 s, back to 10 ms after
//! the next success, and keeps serving.

use std::future::Future;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The longest wait for our FIN (or TLS close_notify) to go out: a peer that stops reading fills the
/// send buffer, and `shutdown()` would otherwise wait on it for ever.
pub const SHUTDOWN_WAIT: Duration = Duration::from_secs(1);

/// A listener on `addr` with an accept queue of `backlog` (the kernel caps it at
/// `net.core.somaxconn`). `TcpListener::bind` asks for 1,024, too few for one lab process that answers
/// for a fleet of thousands of addresses, where a full queue drops SYNs for a 1 s retransmission.
pub fn listen(addr: std::net::SocketAddr, backlog: u32) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog)
}

/// Why [`read_frame`] ended without a frame.
#[derive(Debug, thiserror::Error)]
pub enum FrameError<E> {
    #[error("no answer before the deadline")]
    Timeout,
    #[error("the peer closed the connection")]
    Closed,
    #[error(transparent)]
    Io(io::Error),
    /// The frame announced more than the cap (`Some(size)`), or the bytes buffered without a frame
    /// grew past it (`None`).
    #[error("oversized frame")]
    Oversized(Option<usize>),
    /// The sizing function did not recognise the bytes.
    #[error("unrecognised bytes")]
    Unrecognised(E),
}

/// Read one frame from `io`: `size` says how long the frame at the front of `buf` is (`Ok(None)`: not
/// known yet), the frame is taken out of `buf` (bytes past it stay for the next call), never more
/// than `max` bytes are buffered and no read waits past `deadline`. The one bounded frame reader of
/// the probe and the lab; the sizing comes from the codec (TPKT, ironrdp's PDU hints).
pub async fn read_frame<R, E>(
    io: &mut R,
    buf: &mut Vec<u8>,
    size: impl Fn(&[u8]) -> Result<Option<usize>, E>,
    max: usize,
    deadline: tokio::time::Instant,
) -> Result<Vec<u8>, FrameError<E>>
where
    R: AsyncRead + Unpin + ?Sized,
{
    let mut chunk = [0u8; 4096];
    loop {
        match size(buf).map_err(FrameError::Unrecognised)? {
            Some(n) if n > max => return Err(FrameError::Oversized(Some(n))),
            Some(n) if n > 0 && buf.len() >= n => return Ok(buf.drain(..n).collect()),
            _ => {}
        }
        if buf.len() > max {
            return Err(FrameError::Oversized(None));
        }
        let n = match tokio::time::timeout_at(deadline, io.read(&mut chunk)).await {
            Err(_) => return Err(FrameError::Timeout),
            Ok(Err(e)) => return Err(FrameError::Io(e)),
            Ok(Ok(0)) => return Err(FrameError::Closed),
            Ok(Ok(n)) => n,
        };
        buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
    }
}

/// `shutdown()` under [`SHUTDOWN_WAIT`]; `TimedOut` when the peer held it.
pub async fn shutdown<S: AsyncWrite + Unpin + ?Sized>(s: &mut S) -> io::Result<()> {
    match tokio::time::timeout(SHUTDOWN_WAIT, s.shutdown()).await {
        Ok(r) => r,
        Err(_) => Err(io::ErrorKind::TimedOut.into()),
    }
}

/// The wait after a failed `accept()`: `FIRST`, doubling up to `MAX`, reset by a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    pub const FIRST: Duration = Duration::from_millis(10);
    pub const MAX: Duration = Duration::from_secs(1);

    pub const fn new() -> Backoff {
        Backoff { next: Backoff::FIRST }
    }

    /// An accept failed: how long to wait before the next one.
    pub fn failed(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(Backoff::MAX);
        wait
    }

    /// An accept succeeded.
    pub fn reset(&mut self) {
        self.next = Backoff::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff::new()
    }
}

/// What the loop accepts from: a `TcpListener`, or a wrapper around one.
pub trait Listen {
    fn accept_one(&self) -> impl Future<Output = io::Result<TcpStream>> + Send;
}

impl Listen for TcpListener {
    async fn accept_one(&self) -> io::Result<TcpStream> {
        self.accept().await.map(|(stream, _)| stream)
    }
}

/// Accept connections for ever, handing each to `on_accept` (which spawns its task); after a failed
/// accept, wait as [`Backoff`] says. Runs until the task that awaits it is aborted.
pub async fn accept_loop<L: Listen>(listener: L, mut on_accept: impl FnMut(TcpStream)) {
    let mut backoff = Backoff::new();
    loop {
        match listener.accept_one().await {
            Ok(stream) => {
                backoff.reset();
                on_accept(stream);
            }
            Err(_) => tokio::time::sleep(backoff.failed()).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// TPKT sizing from the codec, as the probe's Standard RDP Security reader uses it.
    fn tpkt(b: &[u8]) -> Result<Option<usize>, String> {
        match crate::codec::x224::tpkt_header(b) {
            crate::codec::x224::TpktHeader::NotTpkt => Err(format!("version {}", b.first().copied().unwrap_or(0))),
            crate::codec::x224::TpktHeader::Length(n) => Ok(Some(n)),
            crate::codec::x224::TpktHeader::NeedMore => Ok(None),
        }
    }

    #[tokio::test]
    async fn one_frame_at_a_time_bounded_and_by_the_deadline() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let peer = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            // Two frames, the first split across writes, the second in the same write as its end.
            s.write_all(&[3, 0, 0, 6, 0xAA]).await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
            s.write_all(&[0xBB, 3, 0, 0, 5, 0xCC]).await.unwrap();
            // Then a frame that announces more than the cap, then silence.
            s.write_all(&[3, 0, 0xFF, 0xFF]).await.unwrap();
            tokio::time::sleep(Duration::from_secs(2)).await;
        });
        let mut c = TcpStream::connect(addr).await.unwrap();
        let mut buf = Vec::new();
        let soon = || tokio::time::Instant::now() + Duration::from_secs(1);
        let f1 = read_frame(&mut c, &mut buf, tpkt, 1024, soon()).await.unwrap();
        assert_eq!(f1, [3, 0, 0, 6, 0xAA, 0xBB]);
        let f2 = read_frame(&mut c, &mut buf, tpkt, 1024, soon()).await.unwrap();
        assert_eq!(f2, [3, 0, 0, 5, 0xCC]);
        let big = read_frame(&mut c, &mut buf, tpkt, 1024, soon()).await;
        assert!(matches!(big, Err(FrameError::Oversized(Some(0xFFFF)))), "{big:?}");
        buf.clear();
        let silent = read_frame(&mut c, &mut buf, tpkt, 1024, soon()).await;
        assert!(matches!(silent, Err(FrameError::Timeout)), "{silent:?}");
        peer.abort();
        let not_tpkt = read_frame(&mut &[0x16u8, 3, 1][..], &mut Vec::new(), tpkt, 1024, soon()).await;
        assert!(matches!(not_tpkt, Err(FrameError::Unrecognised(ref e)) if e == "version 22"), "{not_tpkt:?}");
        let closed = read_frame(&mut &[3u8, 0][..], &mut Vec::new(), tpkt, 1024, soon()).await;
        assert!(matches!(closed, Err(FrameError::Closed)), "{closed:?}");
    }

    #[test]
    fn backoff_doubles_to_one_second_and_resets() {
        let mut b = Backoff::new();
        let waits: Vec<u64> = (0..9).map(|_| b.failed().as_millis() as u64).collect();
        assert_eq!(waits, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        b.reset();
        assert_eq!(b.failed(), Duration::from_millis(10));
    }

    /// Marks the child process of `accept_backs_off_when_out_of_descriptors`.
    #[cfg(unix)]
    const CHILD: &str = "RDP_DOCTOR_ACCEPT_EMFILE_CHILD";

    /// A real descriptor shortage: the test binary runs itself again in a child whose open-files limit
    /// is 64 (`ulimit -n` in sh; this process and the other tests keep theirs), and the child's test
    /// below does the work.
    #[cfg(unix)]
    #[test]
    fn accept_backs_off_when_out_of_descriptors() {
        let exe = std::env::current_exe().expect("the test binary");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 64 && exec \"$0\" \"$@\"")
            .arg(exe)
            .args(["net::tests::emfile_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .expect("sh runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "the child failed:\n{text}");
        assert!(text.contains("1 passed"), "the child did not run its test:\n{text}");
    }

    /// Counts the accepts of the real listener it wraps.
    #[cfg(unix)]
    struct Counting {
        inner: TcpListener,
        calls: std::sync::Arc<std::sync::atomic::AtomicU64>,
    }

    #[cfg(unix)]
    impl Listen for Counting {
        fn accept_one(&self) -> impl Future<Output = io::Result<TcpStream>> + Send {
            self.calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.inner.accept_one()
        }
    }

    /// Run only as the child of `accept_backs_off_when_out_of_descriptors` (open files limited to 64).
    #[cfg(unix)]
    #[test]
    #[ignore = "run by accept_backs_off_when_out_of_descriptors in a child with a low open-files limit"]
    fn emfile_child() {
        use std::sync::atomic::Ordering;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        if std::env::var_os(CHILD).is_none() {
            // `--include-ignored` in the parent process: the work is done in the child only.
            return;
        }
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        rt.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let addr = listener.local_addr().expect("addr");
            let calls = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
            let counting = Counting { inner: listener, calls: calls.clone() };
            // Each accepted connection gets one byte, so the client sees the server serve it.
            let server = tokio::spawn(accept_loop(counting, |mut s| {
                tokio::spawn(async move {
                    let _ = s.write_all(b"!").await;
                });
            }));
            // Use up every descriptor but one, connect with that one: the kernel completes the
            // handshake into the backlog, and every accept() now fails with EMFILE.
            let mut hog = Vec::new();
            loop {
                match std::fs::File::open("/dev/null") {
                    Ok(f) => hog.push(f),
                    Err(e) => {
                        assert_eq!(e.raw_os_error(), Some(libc::EMFILE), "{e}");
                        break;
                    }
                }
            }
            assert!(hog.len() > 5, "only {} descriptors were free", hog.len());
            hog.pop();
            let mut client = tokio::net::TcpStream::connect(addr).await.expect("connect with the last descriptor");
            let before = calls.load(Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(1000)).await;
            let during = calls.load(Ordering::Relaxed) - before;
            // 10 + 20 + ... + 640 ms: 7 or 8 attempts in a second; a loop without the wait makes
            // thousands.
            assert!((1..=12).contains(&during), "{during} accept() calls in 1 s of EMFILE");
            // Descriptors back: the next attempt (at most 1 s away) accepts, and the server serves.
            drop(hog);
            let mut byte = [0u8; 1];
            let got = tokio::time::timeout(Duration::from_secs(3), client.read_exact(&mut byte)).await;
            assert!(matches!(got, Ok(Ok(1))), "no answer after the descriptors came back: {got:?}");
            assert_eq!(&byte, b"!");
            server.abort();
        });
    }
}

//! The local forwarder: a loopback listener whose connections are carried through a gateway channel,
//! so that the other layers (X.224, TLS, CredSSP, the session) run through the tunnel unchanged.

use super::*;

/// What the forwarder's channels saw.
#[derive(Default)]
pub(super) struct FwdStats {
    pub(super) channels: u32,
    pub(super) closes: Vec<u32>,
    pub(super) failures: Vec<GatewayStageObs>,
}

/// A local listener whose every connection is one new gateway channel to the target.
pub struct Forwarder {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
    pub(super) stats: Arc<Mutex<FwdStats>>,
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(super) async fn forwarder(
    spec: GatewaySpec,
    reached: Reached,
    template: GatewayObs,
    ctx: ProbeContext,
) -> io::Result<Forwarder> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
    let addr = listener.local_addr()?;
    let stats: Arc<Mutex<FwdStats>> = Arc::default();
    let st = stats.clone();
    let spec = Arc::new(spec);
    let quiet = ProbeContext { trace: None, ..ctx };
    // A failed accept() (EMFILE...) backs off instead of spinning: the loop shared with the lab.
    let task = tokio::spawn(crate::net::accept_loop(listener, move |local| {
        let _ = local.set_nodelay(true);
        let (spec, st, quiet, template) = (spec.clone(), st.clone(), quiet.clone(), template.clone());
        let mut reached = Some(reached.clone());
        tokio::spawn(async move {
            let mut scratch = GatewayObs { stages: Vec::new(), http: Vec::new(), channels_opened: 0, ..template };
            let mut rec = Rec { obs: &mut scratch, ctx: &quiet };
            let channel = open_channel(&spec, &mut reached, &mut rec, false).await;
            if let Ok(mut s) = st.lock() {
                s.channels += scratch.channels_opened;
                if channel.is_none()
                    && s.failures.len() < 8
                    && let Some(last) = scratch.stages.last().filter(|x| x.outcome != StageOutcome::Ok)
                {
                    s.failures.push(last.clone());
                }
            }
            if let Some(channel) = channel {
                pump(local, channel, &st, quiet.deadline).await;
            }
        });
    }));
    Ok(Forwarder { addr, task, stats })
}

/// Bytes between the local connection and the channel, until either ends or the deadline.
pub(super) async fn pump(mut local: TcpStream, mut channel: Channel, stats: &Mutex<FwdStats>, deadline: Instant) {
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        tokio::select! {
            n = local.read(&mut buf) => {
                let n = n.unwrap_or(0);
                if n == 0 {
                    let _ = channel.send(&Packet::CloseChannel { status: 0 }).await;
                    return;
                }
                if channel.send(&Packet::Data(buf.get(..n).unwrap_or_default().to_vec())).await.is_err() {
                    return;
                }
            }
            p = channel.recv(deadline) => match p {
                Ok(Packet::Data(d)) => {
                    if local.write_all(&d).await.is_err() {
                        return;
                    }
                }
                Ok(Packet::CloseChannel { status }) => {
                    if status != 0 && let Ok(mut s) = stats.lock() {
                        s.closes.push(status);
                    }
                    let _ = channel.send(&Packet::CloseChannelResponse { status: 0 }).await;
                    let _ = crate::net::shutdown(&mut local).await;
                    return;
                }
                Ok(_) => {}
                Err(_) => {
                    let _ = crate::net::shutdown(&mut local).await;
                    return;
                }
            }
        }
    }
}

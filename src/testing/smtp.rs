//! An SMTP receiver for tests: a real SMTP conversation over TCP on port 0, speaking the part
//! of RFC 5321 a client sending mail needs (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT). A message
//! counts as received when the receiver answers 250 to its final dot, as a real server takes
//! responsibility for it then. Tests can make it refuse messages (a 4xx or 5xx after the data)
//! or hold its answer to DATA (to stop a sender mid-conversation).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message as it arrived.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent (headers and body), dot-unstuffed, CRLF line ends.
    pub data: Vec<u8>,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    /// Answers to give to the next messages' final dot instead of 250 (e.g. "451 4.3.0 later").
    refusals: std::collections::VecDeque<String>,
    /// How long to wait before answering DATA (before the client sends the message).
    hold: Duration,
    /// MAIL commands seen: a message started (whether or not it was received).
    started: usize,
}

/// The running receiver; it stops with the test's runtime.
#[derive(Clone)]
pub struct SmtpReceiver {
    port: u16,
    state: Arc<Mutex<State>>,
}

/// The longest message accepted (a test's message is far smaller).
const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

impl SmtpReceiver {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SMTP receiver");
        let port = listener.local_addr().expect("receiver address").port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    // A client that hangs up mid-conversation is normal in these tests.
                    let _ = converse(stream, state).await;
                });
            }
        });
        Self { port, state }
    }

    /// `CONVENE_SMTP_URL` for this receiver.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn received(&self) -> Vec<Received> {
        self.state().received.clone()
    }

    /// Messages begun (MAIL FROM seen), received or not.
    pub fn started(&self) -> usize {
        self.state().started
    }

    /// The next message's final dot is answered with `reply` (a full reply line, such as
    /// `451 4.3.0 try again later`), and the message is not kept.
    pub fn refuse_next(&self, reply: &str) {
        self.state().refusals.push_back(reply.to_owned());
    }

    /// Waits `hold` before inviting each message's text (the answer to DATA): a client
    /// stopped then has begun the message but not sent it.
    pub fn hold_before_data(&self, hold: Duration) {
        self.state().hold = hold;
    }

    /// Polls until at least `count` messages were received; panics after `deadline`.
    pub async fn wait_for(&self, count: usize, deadline: Duration) -> Vec<Received> {
        let until = tokio::time::Instant::now() + deadline;
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                tokio::time::Instant::now() < until,
                "the SMTP receiver got {} messages, not {count}, within {deadline:?}",
                received.len()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

async fn converse(stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 convene-test ESMTP ready\r\n").await?;
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split([' ', ':'])
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-convene-test\r\n250-8BITMIME\r\n250 PIPELINING\r\n",
            "HELO" | "NOOP" => b"250 OK\r\n",
            "RSET" => {
                mail_from.clear();
                rcpt_to.clear();
                b"250 OK\r\n"
            }
            "MAIL" => {
                mail_from = address_in(&command);
                rcpt_to.clear();
                state.lock().unwrap_or_else(PoisonError::into_inner).started += 1;
                b"250 OK\r\n"
            }
            "RCPT" => {
                rcpt_to.push(address_in(&command));
                b"250 OK\r\n"
            }
            "DATA" => {
                let hold = state.lock().unwrap_or_else(PoisonError::into_inner).hold;
                tokio::time::sleep(hold).await;
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let data = read_data(&mut lines).await?;
                let refusal = state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .refusals
                    .pop_front();
                let reply = match refusal {
                    Some(reply) => format!("{reply}\r\n"),
                    None => {
                        // Kept, then answered, as a real server commits before its 250.
                        state
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .received
                            .push(Received {
                                mail_from: std::mem::take(&mut mail_from),
                                rcpt_to: std::mem::take(&mut rcpt_to),
                                data,
                            });
                        "250 2.0.0 queued\r\n".to_owned()
                    }
                };
                write.write_all(reply.as_bytes()).await?;
                continue;
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 command not implemented\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// The address between `<` and `>` in a MAIL or RCPT command.
fn address_in(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}

async fn read_data(
    lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(data);
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(unstuffed);
        if data.len() > MAX_MESSAGE_BYTES {
            return Err(std::io::ErrorKind::InvalidData.into());
        }
    }
}

//! Real servers on 127.0.0.1 for the alerts' tests: an HTTP server that
//! records each request and answers what the test says (a status, or
//! nothing for a while), and an SMTP server that speaks enough of the
//! protocol for a client — EHLO, STARTTLS with a certificate of a test CA,
//! AUTH PLAIN, MAIL, RCPT (or a 550 when told to refuse), DATA — and
//! records each message. Each serves in threads of its own until the test
//! binary exits.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the HTTP server received.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

pub struct Http {
    pub port: u16,
    scheme: &'static str,
    requests: Arc<Mutex<Vec<Request>>>,
    status: Arc<AtomicU16>,
    /// Milliseconds to wait before answering.
    delay: Arc<AtomicU64>,
}

impl Http {
    /// A server answering 200 to every request.
    pub fn start() -> Http {
        Http::serve(None)
    }

    /// The same over TLS, with a certificate of `ca` for 127.0.0.1.
    pub fn start_tls(ca: &TestCa) -> Http {
        Http::serve(Some(ca.server_config()))
    }

    fn serve(tls: Option<Arc<rustls::ServerConfig>>) -> Http {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = Http {
            port,
            scheme: if tls.is_some() { "https" } else { "http" },
            requests: Default::default(),
            status: Arc::new(AtomicU16::new(200)),
            delay: Default::default(),
        };
        let (requests, status, delay) = (
            server.requests.clone(),
            server.status.clone(),
            server.delay.clone(),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (requests, status, delay) = (requests.clone(), status.clone(), delay.clone());
                let tls = tls.clone();
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                    match tls {
                        None => serve_http(stream, &requests, &status, &delay),
                        Some(config) => {
                            let Ok(conn) = rustls::ServerConnection::new(config) else {
                                return;
                            };
                            let tls = rustls::StreamOwned::new(conn, stream);
                            serve_http(tls, &requests, &status, &delay)
                        }
                    }
                });
            }
        });
        server
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}://127.0.0.1:{}{path}", self.scheme, self.port)
    }

    /// Answers `status` from now on.
    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    /// Waits this long before answering, from now on.
    pub fn hang(&self, d: Duration) {
        self.delay.store(d.as_millis() as u64, Ordering::SeqCst);
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }
}

fn serve_http<S: Read + Write>(
    stream: S,
    requests: &Mutex<Vec<Request>>,
    status: &AtomicU16,
    delay: &AtomicU64,
) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 {
            return;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    requests.lock().expect("lock").push(Request {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    std::thread::sleep(Duration::from_millis(delay.load(Ordering::SeqCst)));
    let code = status.load(Ordering::SeqCst);
    let text = if code == 200 { "ok" } else { "server on fire" };
    let stream = reader.get_mut();
    let _ = write!(
        stream,
        "HTTP/1.1 {code} X\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = stream.flush();
}

// ---------------------------------------------------------------------------
// SMTP
// ---------------------------------------------------------------------------

/// A test CA and a certificate it issued for 127.0.0.1 and localhost.
pub struct TestCa {
    /// The CA's certificate, PEM: what the client is told to trust.
    pub ca_pem: String,
    cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

impl TestCa {
    #[allow(clippy::new_without_default)]
    pub fn new() -> TestCa {
        let ca_key = rcgen::KeyPair::generate().expect("key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "kpiscope test CA");
        let ca = ca_params.self_signed(&ca_key).expect("ca");
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let key = rcgen::KeyPair::generate().expect("key");
        let params = rcgen::CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
            .expect("params");
        let cert = params.signed_by(&key, &issuer).expect("cert");
        TestCa {
            ca_pem: ca.pem(),
            cert_der: cert.der().to_vec(),
            key_der: key.serialize_der(),
        }
    }

    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![rustls::pki_types::CertificateDer::from(
                    self.cert_der.clone(),
                )],
                rustls::pki_types::PrivateKeyDer::Pkcs8(self.key_der.clone().into()),
            )
            .expect("server config");
        Arc::new(config)
    }
}

/// One message the SMTP server accepted.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Whether the dialogue had switched to TLS when the message came.
    pub tls: bool,
    /// The decoded `AUTH PLAIN` (user, password), if any.
    pub login: Option<(String, String)>,
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl Mail {
    /// A header's value (unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let unfolded = head.replace("\r\n ", " ");
        unfolded.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    /// The message's text parts, quoted-printable decoded.
    pub fn text(&self) -> String {
        let soft = self.data.replace("=\r\n", "");
        let mut out = Vec::new();
        let bytes = soft.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'='
                && i + 2 < bytes.len()
                && let Ok(b) = u8::from_str_radix(&soft[i + 1..i + 3], 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

pub struct Smtp {
    pub port: u16,
    pub ca: Arc<TestCa>,
    mails: Arc<Mutex<Vec<Mail>>>,
    /// Recipients refused with a 550 while this is set.
    refuse: Arc<std::sync::atomic::AtomicBool>,
}

/// How the SMTP server speaks TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Offers STARTTLS (submission, port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Implicit,
    /// No TLS at all: does not offer STARTTLS.
    Plain,
}

impl Smtp {
    pub fn start() -> Smtp {
        Smtp::start_with(SmtpTls::StartTls)
    }

    pub fn start_with(mode: SmtpTls) -> Smtp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let ca = Arc::new(TestCa::new());
        let server = Smtp {
            port,
            ca: ca.clone(),
            mails: Default::default(),
            refuse: Default::default(),
        };
        let (mails, refuse) = (server.mails.clone(), server.refuse.clone());
        let config = ca.server_config();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (mails, refuse, config) = (mails.clone(), refuse.clone(), config.clone());
                std::thread::spawn(move || {
                    let _ = serve_smtp(stream, &mails, &refuse, config, mode);
                });
            }
        });
        server
    }

    /// Refuses (or accepts again) every recipient.
    pub fn refuse_recipients(&self, on: bool) {
        self.refuse.store(on, Ordering::SeqCst);
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().expect("lock").clone()
    }
}

/// The dialogue's stream: plain until STARTTLS.
enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Conn {
    fn stream(&mut self) -> &mut dyn ReadWrite {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => s.as_mut(),
        }
    }

    fn line(&mut self) -> std::io::Result<String> {
        let mut out = Vec::new();
        let mut b = [0u8; 1];
        loop {
            if self.stream().read(&mut b)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            out.push(b[0]);
            if out.ends_with(b"\r\n") {
                out.truncate(out.len() - 2);
                return Ok(String::from_utf8_lossy(&out).into_owned());
            }
        }
    }

    fn say(&mut self, text: &str) -> std::io::Result<()> {
        let s = self.stream();
        s.write_all(text.as_bytes())?;
        s.write_all(b"\r\n")?;
        s.flush()
    }
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

fn serve_smtp(
    stream: TcpStream,
    mails: &Mutex<Vec<Mail>>,
    refuse: &std::sync::atomic::AtomicBool,
    config: Arc<rustls::ServerConfig>,
    mode: SmtpTls,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut conn = match mode {
        SmtpTls::Implicit => {
            let server =
                rustls::ServerConnection::new(config.clone()).map_err(std::io::Error::other)?;
            Conn::Tls(Box::new(rustls::StreamOwned::new(server, stream)))
        }
        _ => Conn::Plain(stream),
    };
    conn.say("220 127.0.0.1 ESMTP kpiscope-test")?;
    let mut login = None;
    let mut from = String::new();
    let mut to = Vec::new();
    loop {
        let line = conn.line()?;
        let upper = line.to_ascii_uppercase();
        let tls = matches!(conn, Conn::Tls(_));
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            if tls {
                conn.say("250-127.0.0.1\r\n250-AUTH PLAIN\r\n250 8BITMIME")?;
            } else if mode == SmtpTls::Plain {
                conn.say("250-127.0.0.1\r\n250 8BITMIME")?;
            } else {
                conn.say("250-127.0.0.1\r\n250-STARTTLS\r\n250 8BITMIME")?;
            }
        } else if upper == "STARTTLS" && mode == SmtpTls::StartTls {
            conn.say("220 go ahead")?;
            let Conn::Plain(tcp) = conn else {
                return Ok(());
            };
            let server =
                rustls::ServerConnection::new(config.clone()).map_err(std::io::Error::other)?;
            conn = Conn::Tls(Box::new(rustls::StreamOwned::new(server, tcp)));
        } else if upper.starts_with("AUTH PLAIN") {
            let arg = line[10..].trim();
            let decoded = base64_decode(arg);
            let parts: Vec<&str> = decoded.split('\0').collect();
            login = Some((
                parts.get(1).unwrap_or(&"").to_string(),
                parts.get(2).unwrap_or(&"").to_string(),
            ));
            conn.say("235 2.7.0 authenticated")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = addr(&line[10..]);
            to.clear();
            conn.say("250 2.1.0 ok")?;
        } else if upper.starts_with("RCPT TO:") {
            if refuse.load(Ordering::SeqCst) {
                conn.say("550 5.1.1 no such mailbox here")?;
            } else {
                to.push(addr(&line[8..]));
                conn.say("250 2.1.5 ok")?;
            }
        } else if upper == "DATA" {
            conn.say("354 end with .")?;
            let mut data = Vec::new();
            loop {
                let l = conn.line()?;
                if l == "." {
                    break;
                }
                data.push(l.strip_prefix('.').map(str::to_string).unwrap_or(l));
            }
            mails.lock().expect("lock").push(Mail {
                tls,
                login: login.clone(),
                from: from.clone(),
                to: to.clone(),
                data: data.join("\r\n") + "\r\n",
            });
            conn.say("250 2.0.0 queued")?;
        } else if upper == "QUIT" {
            conn.say("221 bye")?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            conn.say("250 ok")?;
        } else {
            conn.say("502 not implemented")?;
        }
    }
}

fn addr(s: &str) -> String {
    s.split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(['<', '>'])
        .to_string()
}

fn base64_decode(s: &str) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let Some(v) = A.iter().position(|&a| a == c) else {
            continue;
        };
        bits = (bits << 6) | v as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

//! Notices by mail: an SMTP relay when one is configured (`QORGAU_SMTP_URL`), otherwise the
//! file sink (`<data_dir>/outbox/notices.jsonl`, one JSON line per notice).
//!
//! A small SMTP client of our own (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT; RFC 5321): a
//! notice is a short plain-text mail to a few colleagues, and the relay does the rest.
//! `smtp://` is for a relay inside a closed network and carries no password; `smtps://` is
//! TLS from the first byte (port 465), checked like every other connection.

use super::connect::{Io, Tls};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::io::Write;
use std::path::{Path, PathBuf};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A mail relay, as `QORGAU_SMTP_URL` names it.
#[derive(Clone, PartialEq, Eq)]
pub struct Relay {
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub credentials: Option<(String, String)>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        write!(f, "Relay({}:{}, tls: {})", self.host, self.port, self.tls)
    }
}

impl Relay {
    /// `smtp://host[:port]` (25) or `smtps://[user:password@]host[:port]` (465).
    pub fn parse(url: &str) -> Result<Relay, String> {
        let (tls, rest) = match url.split_once("://") {
            Some(("smtps", rest)) => (true, rest),
            Some(("smtp", rest)) => (false, rest),
            _ => return Err("QORGAU_SMTP_URL: smtp://host:port or smtps://user:password@host:port".into()),
        };
        let rest = rest.trim_end_matches('/');
        let (credentials, server) = match rest.rsplit_once('@') {
            Some((user_info, server)) => {
                let (user, password) = user_info.split_once(':').ok_or("QORGAU_SMTP_URL: user:password@ before the host")?;
                (Some((percent_decoded(user)?, percent_decoded(password)?)), server)
            }
            None => (None, rest),
        };
        if credentials.is_some() && !tls {
            return Err("QORGAU_SMTP_URL: a password goes only over TLS (smtps://)".into());
        }
        let (host, port) = match server.rsplit_once(':') {
            Some((host, port)) => (host, port.parse().map_err(|_| "QORGAU_SMTP_URL: the port is a number")?),
            None => (server, if tls { 465 } else { 25 }),
        };
        if host.is_empty() || host.contains(['/', '?', ' ']) {
            return Err("QORGAU_SMTP_URL: no host".into());
        }
        Ok(Relay { host: host.to_owned(), port, tls, credentials })
    }
}

fn percent_decoded(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or("QORGAU_SMTP_URL: a bad %-escape")?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| "QORGAU_SMTP_URL: a bad %-escape")?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "QORGAU_SMTP_URL: not UTF-8".into())
}

/// One notice by mail.
pub struct Mail<'a> {
    pub id: uuid::Uuid,
    pub to: &'a [String],
    pub subject: &'a str,
    pub body: &'a str,
}

/// Where mail goes: the relay, if one is configured, for a notice with addresses; the file
/// sink (`<sink>/notices.jsonl`) for the rest, so that no notice is dropped.
#[derive(Clone, Debug)]
pub struct Mailer {
    /// The relay and the sender's address.
    pub relay: Option<(Relay, String)>,
    pub sink: PathBuf,
}

impl Mailer {
    pub async fn send(&self, tls: &Tls, mail: &Mail<'_>, sink_line: &str) -> Result<(), String> {
        match &self.relay {
            Some((relay, from)) if !mail.to.is_empty() => send_smtp(tls, relay, from, mail).await,
            _ => append_line(&self.sink, sink_line),
        }
    }
}

/// Appends one JSON line to the sink.
fn append_line(dir: &Path, line: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("sink: {e}"))?;
    let path = dir.join("notices.jsonl");
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| format!("sink: {e}"))?;
    file.write_all(format!("{line}\n").as_bytes()).map_err(|e| format!("sink: {e}"))
}

/// An SMTP conversation: each command and the reply code it needs.
struct Session {
    stream: BufReader<Box<dyn Io>>,
}

impl Session {
    /// Reads a reply (all its lines) and checks its code.
    async fn expect(&mut self, code: &str) -> Result<(), String> {
        loop {
            let mut line = String::new();
            let read = tokio::time::timeout(super::connect::TIMEOUT, self.stream.read_line(&mut line))
                .await
                .map_err(|_| "SMTP: no answer within 10 s".to_owned())?
                .map_err(|e| format!("SMTP: {e}"))?;
            if read == 0 {
                return Err("SMTP: the relay closed the connection".into());
            }
            if !line.starts_with(code) {
                // The reply names the problem (no personal data is in what we send).
                return Err(format!("SMTP: expected {code}, the relay said {}", line.trim_end()));
            }
            if line.as_bytes().get(3) != Some(&b'-') {
                return Ok(());
            }
        }
    }

    async fn command(&mut self, line: &str, code: &str) -> Result<(), String> {
        self.stream.get_mut().write_all(format!("{line}\r\n").as_bytes()).await.map_err(|e| format!("SMTP: {e}"))?;
        self.expect(code).await
    }
}

async fn send_smtp(tls: &Tls, relay: &Relay, from: &str, mail: &Mail<'_>) -> Result<(), String> {
    let io = tls.connect(&relay.host, relay.port, relay.tls).await?;
    let mut session = Session { stream: BufReader::new(io) };
    session.expect("220").await?;
    session.command("EHLO qorgau", "250").await?;
    if let Some((user, password)) = &relay.credentials {
        let token = BASE64.encode(format!("\0{user}\0{password}"));
        session.command(&format!("AUTH PLAIN {token}"), "235").await?;
    }
    session.command(&format!("MAIL FROM:<{from}>"), "250").await?;
    for to in mail.to {
        session.command(&format!("RCPT TO:<{to}>"), "250").await?;
    }
    session.command("DATA", "354").await?;
    session.command(&message(from, mail, time::OffsetDateTime::now_utc()), "250").await?;
    // The mail is accepted; a failed goodbye does not undo it.
    let _ = session.command("QUIT", "221").await;
    Ok(())
}

/// The message as sent after DATA, ending with the lone dot: UTF-8 text in base64 (so no
/// line needs dot-stuffing and no 8-bit path is needed), the subject as an encoded word.
fn message(from: &str, mail: &Mail<'_>, now: time::OffsetDateTime) -> String {
    let date = now.format(&time::format_description::well_known::Rfc2822).unwrap_or_default();
    let body = BASE64.encode(mail.body.as_bytes());
    let lines: Vec<&str> = body.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).expect("base64 is ASCII")).collect();
    format!(
        "From: Qorgau <{from}>\r\nTo: {}\r\nSubject: =?UTF-8?B?{}?=\r\nDate: {date}\r\nMessage-ID: <{}@qorgau>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n.",
        mail.to.join(", "),
        BASE64.encode(mail.subject.as_bytes()),
        mail.id,
        lines.join("\r\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_addresses_are_read_and_passwords_need_tls() {
        let relay = Relay::parse("smtp://relay.local").unwrap();
        assert_eq!((relay.host.as_str(), relay.port, relay.tls, relay.credentials), ("relay.local", 25, false, None));
        let relay = Relay::parse("smtps://qorgau:p%40ss@mail.example.kz").unwrap();
        assert_eq!((relay.port, relay.tls), (465, true));
        assert_eq!(relay.credentials, Some(("qorgau".into(), "p@ss".into())));
        assert!(!format!("{relay:?}").contains("p@ss"), "the password is never printed");
        assert!(Relay::parse("smtp://user:secret@relay.local").unwrap_err().contains("only over TLS"));
        assert!(Relay::parse("http://relay.local").is_err());
        assert!(Relay::parse("smtp://relay.local:port").is_err());
        assert!(Relay::parse("smtp://").is_err());
    }

    #[test]
    fn a_message_is_base64_text_with_an_encoded_subject_and_ends_with_the_dot() {
        let to = ["officer@police.example.kz".to_owned()];
        let mail = Mail { id: uuid::Uuid::nil(), to: &to, subject: "Мерзімі өтті", body: "Line one\n.\nЖаңа" };
        let text = message("qorgau@example.kz", &mail, time::macros::datetime!(2026-11-25 10:00 UTC));
        assert!(text.contains(&format!("Subject: =?UTF-8?B?{}?=", BASE64.encode("Мерзімі өтті"))));
        assert!(text.ends_with("\r\n."));
        let body = text.split("\r\n\r\n").nth(1).unwrap().trim_end_matches("\r\n.").replace("\r\n", "");
        assert_eq!(BASE64.decode(body).unwrap(), "Line one\n.\nЖаңа".as_bytes());
        assert!(text.lines().all(|l| l.len() <= 998));
    }
}

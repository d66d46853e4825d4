//! Finding the requests in a client's HTTP/1.1 byte stream, fed in the
//! pieces the socket delivers: a head, then a body by `Content-Length` or
//! chunked transfer coding, then the next head.

/// Where the framer is in the client's byte stream.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// Reading a request head; holds its bytes so far.
    Head(Vec<u8>),
    /// Skipping this many body bytes.
    Body(u64),
    /// Reading a chunk-size line.
    ChunkSize(Vec<u8>),
    /// Skipping a chunk's data and its CRLF.
    ChunkData(u64),
    /// Reading trailer lines after the last chunk, until an empty one.
    Trailer(Vec<u8>),
}

/// Follows a client's byte stream from request to request.
#[derive(Debug)]
pub struct RequestFramer {
    state: State,
}

impl Default for RequestFramer {
    fn default() -> Self {
        RequestFramer {
            state: State::Head(Vec::new()),
        }
    }
}

/// The longest head or line the framer keeps before giving up on framing.
const MAX_LINE: usize = 64 * 1024;

impl RequestFramer {
    /// Feeds the next bytes; returns the request line of every request
    /// whose head ended in them.
    pub fn feed(&mut self, mut bytes: &[u8]) -> Vec<String> {
        let mut started = Vec::new();
        while !bytes.is_empty() {
            match &mut self.state {
                State::Head(head) => {
                    let (taken, done) = take_until(head, bytes, b"\r\n\r\n");
                    bytes = &bytes[taken..];
                    if head.len() > MAX_LINE {
                        head.clear();
                    }
                    if done {
                        if head.len() == 4 {
                            // A stray blank line between requests.
                            head.clear();
                            continue;
                        }
                        started.push(request_line(head));
                        self.state = body_after(head);
                    }
                }
                State::Body(left) | State::ChunkData(left) => {
                    let n = (*left).min(bytes.len() as u64);
                    bytes = &bytes[n as usize..];
                    *left -= n;
                    if *left == 0 {
                        self.state = match self.state {
                            State::ChunkData(_) => State::ChunkSize(Vec::new()),
                            _ => State::Head(Vec::new()),
                        };
                    }
                }
                State::ChunkSize(line) => {
                    let (taken, done) = take_until(line, bytes, b"\r\n");
                    bytes = &bytes[taken..];
                    if done {
                        let text = String::from_utf8_lossy(&line[..line.len() - 2]).into_owned();
                        let hex = text.split(';').next().unwrap_or("").trim();
                        self.state = match u64::from_str_radix(hex, 16) {
                            Ok(0) => State::Trailer(Vec::new()),
                            Ok(size) => State::ChunkData(size + 2),
                            Err(_) => State::Head(Vec::new()),
                        };
                    } else if line.len() > MAX_LINE {
                        self.state = State::Head(Vec::new());
                    }
                }
                State::Trailer(line) => {
                    let (taken, done) = take_until(line, bytes, b"\r\n");
                    bytes = &bytes[taken..];
                    if done {
                        if line.len() == 2 {
                            self.state = State::Head(Vec::new());
                        } else {
                            line.clear();
                        }
                    }
                }
            }
        }
        started
    }
}

/// Appends bytes to `acc` up to and including the first `end` (which may
/// straddle earlier input); returns how many were taken and whether `end`
/// was reached.
fn take_until(acc: &mut Vec<u8>, bytes: &[u8], end: &[u8]) -> (usize, bool) {
    for (i, &b) in bytes.iter().enumerate() {
        acc.push(b);
        if acc.ends_with(end) {
            return (i + 1, true);
        }
    }
    (bytes.len(), false)
}

/// What follows a request head: its body by `Transfer-Encoding: chunked`
/// or `Content-Length`, or the next head.
fn body_after(head: &[u8]) -> State {
    let text = String::from_utf8_lossy(head);
    let mut length = 0u64;
    for line in text.split("\r\n").skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        if name.eq_ignore_ascii_case("transfer-encoding")
            && value.to_ascii_lowercase().contains("chunked")
        {
            return State::ChunkSize(Vec::new());
        }
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse().unwrap_or(0);
        }
    }
    if length > 0 {
        State::Body(length)
    } else {
        State::Head(Vec::new())
    }
}

/// The first line of a head, e.g. `GET /api/v1/pull?since=0 HTTP/1.1`.
fn request_line(head: &[u8]) -> String {
    let end = head
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(head.len());
    String::from_utf8_lossy(&head[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_with_length_and_chunked_bodies_are_each_found_once_in_any_split() {
        let stream = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n\
            POST /b HTTP/1.1\r\nContent-Length: 13\r\n\r\nGET / HTTP/1.\
            POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nGET /\r\n0\r\n\r\n\
            GET /d HTTP/1.1\r\n\r\n";

        for split in [1, 2, 3, 7, 64, stream.len()] {
            let mut framer = RequestFramer::default();
            let found: Vec<String> = stream
                .chunks(split)
                .flat_map(|piece| framer.feed(piece))
                .collect();

            assert_eq!(
                found,
                [
                    "GET /a HTTP/1.1",
                    "POST /b HTTP/1.1",
                    "POST /c HTTP/1.1",
                    "GET /d HTTP/1.1"
                ],
                "bodies that look like requests are not requests (split {split})"
            );
        }
    }
}

//! Endpoint settings.

use std::time::Duration;

/// How the endpoint treats its connections.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// Largest packet accepted (announced to 5.0 clients); larger ones close the connection
    /// (5.0: DISCONNECT 0x95).
    pub max_packet_size: u32,
    /// QoS 1 PUBLISHes awaiting their durable ack per connection (5.0: receive maximum). When
    /// reached the connection stops reading: TCP backpressure reaches the device.
    pub receive_maximum: u16,
    /// Time allowed between accepting a TCP connection and its CONNECT.
    pub connect_timeout: Duration,
    /// Keep-alive asked by clients above this (or 0) is replaced by it (5.0: server keep alive;
    /// a 3.1.1 client's own value is kept, 0 meaning none).
    pub max_keep_alive: u16,
    /// How long a persistent session (3.1.1 clean session 0; 5.0 session expiry > 0, capped
    /// by this) is kept after its connection closed: its subscriptions and unacknowledged QoS 1
    /// downlinks, resent with DUP when the same device reconnects with clean start 0.
    pub session_keep: Duration,
    /// QoS 1 downlinks in flight per connection (5.0: at most the client's receive maximum);
    /// further downlinks wait in the connection's queue until PUBACKs come.
    pub max_unacked_downlinks: u16,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        Self {
            max_packet_size: 256 * 1024,
            receive_maximum: 64,
            connect_timeout: Duration::from_secs(10),
            max_keep_alive: 600,
            session_keep: Duration::from_secs(3600),
            max_unacked_downlinks: 32,
        }
    }
}

namespace Switchboard;

/// <summary>A snapshot of the client's counters, from <see cref="SwitchboardClient.GetStats"/>.</summary>
public sealed record SwitchboardStats
{
    /// <summary>Messages the broker acknowledged (QoS ≥ 1) or that were written to the socket (QoS 0).</summary>
    public long Published { get; init; }

    /// <summary>Messages received from the broker.</summary>
    public long Received { get; init; }

    /// <summary>Messages waiting in the outgoing queue.</summary>
    public int Queued { get; init; }

    /// <summary>QoS ≥ 1 messages sent and awaiting acknowledgement.</summary>
    public int Inflight { get; init; }

    /// <summary>Messages dropped by the overflow policy (never silently: each is counted here).</summary>
    public long Dropped { get; init; }

    /// <summary>Publishes that failed (refused by the broker, or abandoned at shutdown or a fatal fault).</summary>
    public long PublishErrors { get; init; }

    /// <summary>Incoming envelopes suppressed as duplicates.</summary>
    public long DuplicatesDropped { get; init; }

    /// <summary>Successful reconnections after a lost connection.</summary>
    public long Reconnects { get; init; }

    /// <summary>Messages resent after a reconnect because they were not acknowledged before it.</summary>
    public long Resent { get; init; }

    /// <summary>Handler invocations that threw.</summary>
    public long HandlerErrors { get; init; }

    /// <summary>Incoming payloads on envelope subscriptions that were not valid envelopes.</summary>
    public long MalformedEnvelopes { get; init; }

    /// <summary>Messages whose handler kept failing, acknowledged as poison after <see cref="SwitchboardOptions.MaxRedeliveries"/>.</summary>
    public long PoisonMessages { get; init; }

    /// <summary>QoS ≥ 1 messages that matched no handler (acknowledged, so the broker drops them): typically what a
    /// persistent session held, arriving before the handlers were added. Subscribe before connecting to receive it.</summary>
    public long Unrouted { get; init; }

    /// <summary>Messages waiting in the incoming queue for their handlers.</summary>
    public int IncomingQueued { get; init; }

    /// <summary>Reconnects after which the broker had not kept the session.</summary>
    public long SessionsLost { get; init; }

    /// <summary>The last error seen (connection or publish), as a message, or null.</summary>
    public string? LastError { get; init; }

    /// <summary>The connection state.</summary>
    public ConnectionState State { get; init; }

    /// <summary>The broker the client is connected to, or is trying or last tried, as a URL without credentials (e.g.
    /// <c>mqtt://broker-b:1883</c>): with several brokers in <see cref="SwitchboardOptions.Url"/>, or after a server
    /// redirection, which one it is on.</summary>
    public string? Broker { get; init; }
}

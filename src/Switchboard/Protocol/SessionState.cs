namespace Switchboard;

/// <summary>
/// What the MQTT session keeps across connections (the client's half of a persistent session): the packet
/// identifiers of unacknowledged publishes and requests, and the QoS 2 messages received and handled whose PUBREL has
/// not yet arrived — a PUBLISH the broker repeats for one of those is acknowledged again but not handled twice,
/// which is what makes QoS 2 exactly-once across a reconnect.
/// </summary>
internal sealed class SessionState
{
    private readonly Lock _lock = new();
    private readonly HashSet<ushort> _incomingHandled = [];

    public SessionState(int inflightLimit)
    {
        Ids = new PacketIdTable(Math.Min(inflightLimit, PacketIdTable.MaxInflight));
    }

    public PacketIdTable Ids { get; }

    /// <summary>True when the QoS 2 message with <paramref name="packetId"/> was handled and awaits its PUBREL.</summary>
    public bool WasHandled(ushort packetId)
    {
        lock (_lock)
        {
            return _incomingHandled.Contains(packetId);
        }
    }

    /// <summary>The handlers of an incoming QoS 2 message are done: its PUBREC is being sent.</summary>
    public void MarkHandled(ushort packetId)
    {
        lock (_lock)
        {
            _incomingHandled.Add(packetId);
        }
    }

    /// <summary>PUBREL arrived: the broker will not send this packet identifier's message again. False when unknown.</summary>
    public bool Release(ushort packetId)
    {
        lock (_lock)
        {
            return _incomingHandled.Remove(packetId);
        }
    }

    /// <summary>The broker did not keep the session: nothing received before can be repeated.</summary>
    public void ForgetIncoming()
    {
        lock (_lock)
        {
            _incomingHandled.Clear();
        }
    }
}

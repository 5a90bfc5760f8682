namespace Switchboard.Tests.Protocol.Fakes;

/// <summary>Keeps a copy of every packet the reader hands out.</summary>
internal sealed class RecordingPacketSink : IPacketSink
{
    public List<(byte FirstByte, byte[] Body)> Packets { get; } = [];

    public ValueTask OnPacket(byte firstByte, ReadOnlySpan<byte> body)
    {
        Packets.Add((firstByte, body.ToArray()));
        return ValueTask.CompletedTask;
    }

    public void OnIdle()
    {
    }
}

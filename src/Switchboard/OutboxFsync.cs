namespace Switchboard;

/// <summary>
/// When the durable outbox (<see cref="SwitchboardOptions.OutboxPath"/>) forces its writes to disk: what a power cut,
/// rather than a crash of the process, may take of the messages it accepted. Env: <c>MQTT_OUTBOX_FSYNC</c>
/// (<c>never</c>, <c>batch</c>, <c>always</c>).
/// </summary>
public enum OutboxFsync
{
    /// <summary>Never: the operating system writes the log back when it chooses (on Linux within about 30 s). An
    /// accepted message survives any crash of the process, SIGKILL included, but not a power cut. The default.</summary>
    Never,

    /// <summary>A background fsync at most every 100 ms while messages are being accepted: a power cut loses at most
    /// the messages of the last ~100 ms, and publishing never waits for the disk.</summary>
    Batch,

    /// <summary>Every accepted message is on disk before <c>PublishAsync</c> completes or <c>Post</c> returns (callers
    /// that accept at the same time share one fsync): a power cut loses nothing accepted, at the price of a disk flush per
    /// publish on the caller's thread.</summary>
    Always,
}

using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace Switchboard;

/// <summary>
/// The durable outbox: an append-only log of accepted QoS ≥ 1 messages (puts) and of their ends (acks), in one file
/// per client id. A message is written before its publish is accepted and acknowledged when the broker confirms it,
/// so a process killed at any moment leaves exactly the unconfirmed messages for the next process with the same
/// client id, in acceptance order. Writes go to the OS; whether puts are also forced to disk is <see cref="OutboxFsync"/>:
/// never (the log survives a crash of the process, SIGKILL included, not a power cut), in the background at most every
/// <see cref="BatchInterval"/>, or before each put returns (callers that write at the same time share one fsync: whoever
/// flushes covers every put written before the flush began). Acks are never forced: losing one only means a resend.
/// When dead records outweigh live ones the log is rewritten with only the live
/// records and atomically renamed over the old one. A torn last record (a crash mid-write) is detected by its
/// length and CRC, counted, logged and cut off; it never stops the client from starting.
/// </summary>
internal sealed class DurableOutbox : IDisposable
{
    public const string FileName = "outbox.log";
    private const long DefaultCompactThreshold = 4 * 1024 * 1024;
    private const int AckBlock = 4096;

    /// <summary>How long a put waits at most for the background fsync under <see cref="OutboxFsync.Batch"/>.</summary>
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);

    private readonly Lock _lock = new();

    // Serializes fsyncs; never taken while holding _lock, and held only by callers that must wait for the disk anyway.
    private readonly Lock _syncLock = new();
    private readonly OutboxFsync _fsync;
    private readonly Timer? _batchTimer;
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly long _compactThreshold;
    private readonly Dictionary<long, int> _liveSizes = [];
    private readonly ArrayBufferWriter<byte> _pendingAcks = new(4096);
    private FileStream _file;
    private long _nextId;
    private long _deadBytes;
    private bool _disposed;
    private bool _compactionScheduled;
    private bool _batchScheduled;
    private long _putsWritten;
    private long _putsSynced;

    private DurableOutbox(string path, FileStream file, ILogger logger, long compactThreshold, OutboxFsync fsync)
    {
        _path = path;
        _file = file;
        _logger = logger;
        _compactThreshold = compactThreshold;
        _fsync = fsync;
        if (fsync == OutboxFsync.Batch)
        {
            _batchTimer = new Timer(static state => ((DurableOutbox)state!).BatchSync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Fsyncs made so far (for tests and measurements).</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    private long _syncs;

    /// <summary>Messages found in the log that were never acknowledged, in acceptance order.</summary>
    public List<OutgoingMessage> Recovered { get; } = [];

    /// <summary>Torn or corrupt records cut off the end of the log when it was opened.</summary>
    public int TornRecords { get; private set; }

    public int LiveCount
    {
        get
        {
            lock (_lock)
            {
                return _liveSizes.Count;
            }
        }
    }

    public long FileLength
    {
        get
        {
            lock (_lock)
            {
                return _file.Length + _pendingAcks.WrittenCount;
            }
        }
    }

    public long Compactions { get; private set; }

    /// <summary>Opens (or creates) the outbox of <paramref name="clientId"/> under <paramref name="directory"/>.</summary>
    /// <exception cref="SwitchboardConfigurationException">The directory cannot be used, or another process holds the outbox.</exception>
    public static DurableOutbox Open(string directory, string clientId, ILogger logger, long compactThreshold = DefaultCompactThreshold, OutboxFsync fsync = OutboxFsync.Never)
    {
        var folder = Path.Combine(directory, string.Concat(clientId.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c)));
        var path = Path.Combine(folder, FileName);
        FileStream file;
        try
        {
            Directory.CreateDirectory(folder);
            // FileShare.None: two processes appending to one outbox would interleave and double-send.
            file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.None);
        }
        catch (IOException ex)
        {
            throw new SwitchboardConfigurationException(nameof(SwitchboardOptions.OutboxPath), directory, $"OutboxPath ({OptionKeys.OutboxPath})='{directory}': the outbox of client '{clientId}' cannot be opened ({ex.Message}). Is another process running with the same client id?");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new SwitchboardConfigurationException(nameof(SwitchboardOptions.OutboxPath), directory, $"OutboxPath ({OptionKeys.OutboxPath})='{directory}' is not writable: {ex.Message}");
        }

        var outbox = new DurableOutbox(path, file, logger, compactThreshold, fsync);
        outbox.Load();
        return outbox;
    }

    /// <summary>Writes a message before it is accepted; sets its <see cref="OutgoingMessage.OutboxPosition"/>. Under
    /// <see cref="OutboxFsync.Always"/> it returns once the put is on disk.</summary>
    /// <exception cref="IOException">The log could not be written or forced to disk (the put is then withdrawn).</exception>
    public void Append(OutgoingMessage message)
    {
        long put;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var id = ++_nextId;
            var record = OutboxRecord.EncodePut(id, message);
            if (_pendingAcks.WrittenCount > 0)
            {
                // Acks ride along with the next put: one write instead of two.
                _pendingAcks.Write(record);
                WritePendingAcks();
            }
            else
            {
                _file.Write(record);
            }

            message.OutboxPosition = id;
            _liveSizes[id] = record.Length;
            put = ++_putsWritten;
            if (_batchTimer is not null && !_batchScheduled)
            {
                _batchScheduled = true;
                _batchTimer.Change(BatchInterval, Timeout.InfiniteTimeSpan);
            }
        }

        if (_fsync == OutboxFsync.Always)
        {
            try
            {
                SyncThrough(put);
            }
            catch (IOException)
            {
                // Not durable, so not accepted: the caller sees the failure, and the put is ended so it is not resent.
                Remove(message);
                throw;
            }
        }
    }

    private void BatchSync()
    {
        long put;
        lock (_lock)
        {
            _batchScheduled = false;
            put = _putsWritten;
        }

        try
        {
            SyncThrough(put);
        }
        catch (IOException ex)
        {
            // Nothing is lost yet (the bytes are in the OS); the next batch tries again.
            Log.OutboxSyncFailed(_logger, _path, ex);
        }
    }

    /// <summary>Returns once every put up to number <paramref name="put"/> is on disk. A caller that finds an fsync
    /// running waits for it, then flushes only if that fsync began before its own put was written.</summary>
    private void SyncThrough(long put)
    {
        lock (_syncLock)
        {
            if (Volatile.Read(ref _putsSynced) >= put)
            {
                return;
            }

            FileStream file;
            long target;
            lock (_lock)
            {
                if (_disposed)
                {
                    return; // Dispose forced the log to disk before closing it.
                }

                file = _file;
                target = _putsWritten;
            }

            try
            {
                RandomAccess.FlushToDisk(file.SafeFileHandle);
            }
            catch (ObjectDisposedException)
            {
                // A compaction replaced the file meanwhile: it wrote every live put to the new file and forced that to
                // disk before the rename, so these puts are on disk.
            }

            Volatile.Write(ref _putsSynced, target);
            Interlocked.Increment(ref _syncs);
        }
    }

    /// <summary>Records that a message ended (acknowledged, refused, or dropped by policy): it will not be resent.</summary>
    public void Remove(OutgoingMessage message)
    {
        if (message.OutboxPosition < 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_disposed || !_liveSizes.Remove(message.OutboxPosition, out var size))
            {
                return;
            }

            // Acks are written lazily (with the next put, or in blocks): losing some in a crash only means those
            // messages are sent once more, which at-least-once allows; losing a put would lose a message.
            var record = OutboxRecord.EncodeAck(message.OutboxPosition);
            _pendingAcks.Write(record);
            _deadBytes += size + record.Length;
            if (_pendingAcks.WrittenCount >= AckBlock)
            {
                WritePendingAcks();
            }

            if (!_compactionScheduled && _deadBytes > _compactThreshold / 2 && _file.Length + _pendingAcks.WrittenCount > _compactThreshold && _deadBytes > (_file.Length + _pendingAcks.WrittenCount) / 2)
            {
                // Acknowledgements arrive on the connection's receive path: the rewrite runs on the thread pool.
                _compactionScheduled = true;
                ThreadPool.UnsafeQueueUserWorkItem(static outbox => outbox.CompactNow(), this, preferLocal: false);
            }
        }
    }

    private void CompactNow()
    {
        lock (_lock)
        {
            _compactionScheduled = false;
            if (_disposed)
            {
                return;
            }

            try
            {
                WritePendingAcks();
                Compact();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The log stays as it is (valid, only longer); the next threshold crossing tries again.
                Log.OutboxCompactionFailed(_logger, _path, ex);
            }
        }
    }

    /// <summary>True while a compaction is scheduled and has not run yet (for tests).</summary>
    internal bool CompactionScheduled
    {
        get
        {
            lock (_lock)
            {
                return _compactionScheduled;
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _batchTimer?.Dispose();
            WritePendingAcks();
            if (_fsync != OutboxFsync.Never)
            {
                _file.Flush(flushToDisk: true);
            }

            _file.Dispose();
        }
    }

    private void WritePendingAcks()
    {
        if (_pendingAcks.WrittenCount > 0)
        {
            _file.Write(_pendingAcks.WrittenSpan);
            _pendingAcks.Clear();
        }
    }

    private void Load()
    {
        var live = new SortedDictionary<long, (OutgoingMessage Message, int Size)>();
        var header = new byte[OutboxRecord.HeaderSize];
        long goodEnd = 0;
        _file.Position = 0;
        while (true)
        {
            var start = _file.Position;
            var read = _file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                break;
            }

            var length = read == header.Length ? BinaryPrimitives.ReadInt32LittleEndian(header) : -1;
            if (length is < 9 or > OutboxRecord.MaxBodySize || start + OutboxRecord.HeaderSize + length > _file.Length)
            {
                TornRecords++;
                break;
            }

            var body = new byte[length];
            _file.ReadExactly(body);
            if (Crc32.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4))
                || !OutboxRecord.TryDecode(body, out var kind, out var id, out var message))
            {
                TornRecords++;
                break;
            }

            var size = OutboxRecord.HeaderSize + length;
            _nextId = Math.Max(_nextId, id);
            if (kind == OutboxRecord.Put)
            {
                live[id] = (message!, size);
            }
            else if (live.Remove(id, out var removed))
            {
                _deadBytes += removed.Size + size;
            }

            goodEnd = _file.Position;
        }

        if (goodEnd < _file.Length)
        {
            // A crash mid-write leaves a partial record at the end; everything before it is intact.
            Log.OutboxTornTail(_logger, _path, _file.Length - goodEnd);
            _file.SetLength(goodEnd);
        }

        _file.Position = goodEnd;
        foreach (var (id, (message, size)) in live)
        {
            _liveSizes[id] = size;
            Recovered.Add(message);
        }

        if (Recovered.Count > 0)
        {
            Log.OutboxRecovered(_logger, Recovered.Count, _path);
        }
    }

    private void Compact()
    {
        // Copy the live records into a fresh file, flush it to disk, then rename it over the log: a crash at any
        // point leaves either the old log or the new one, both complete.
        var temp = _path + ".compact";
        var sizes = new Dictionary<long, int>();
        // Read through our own handle: it holds the exclusive lock, so a second handle could not open the file.
        var reader = _file;
        reader.Position = 0;
        using (var writer = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var header = new byte[OutboxRecord.HeaderSize];
            while (reader.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(header);
                var body = new byte[length];
                reader.ReadExactly(body);
                if (body[0] == OutboxRecord.Put && _liveSizes.ContainsKey(BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(1))))
                {
                    writer.Write(header);
                    writer.Write(body);
                    sizes[BinaryPrimitives.ReadInt64LittleEndian(body.AsSpan(1))] = header.Length + length;
                }
            }

            writer.Flush(flushToDisk: true);
        }

        _file.Dispose();
        File.Move(temp, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.None);
        _file.Position = _file.Length;
        _deadBytes = 0;
        Compactions++;
    }
}

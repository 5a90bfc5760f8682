namespace Switchboard.Bench;

/// <summary>
/// At most <paramref name="window"/> awaited publishes outstanding: wait for a free slot, start the next publish, and
/// free the slot when its task completes — the way MQTT.js's <c>publishAsync</c> is driven at QoS 1 in peer.js.
/// </summary>
public sealed class AwaitedWindow(int window)
{
    private readonly SemaphoreSlim _slots = new(window, window);
    private int _failures;

    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Waits for a free slot; then start one publish and hand its task to <see cref="Track"/>.</summary>
    public Task WaitForSlotAsync() => _slots.WaitAsync();

    /// <summary>Frees the slot taken by <see cref="WaitForSlotAsync"/> when <paramref name="publish"/> completes.</summary>
    public void Track(Task publish) => _ = ObserveAsync(publish);

    private async Task ObserveAsync(Task publish)
    {
        try
        {
            await publish;
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _failures);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Completes when every started publish has completed.</summary>
    public async Task DrainAsync()
    {
        for (var i = 0; i < window; i++)
        {
            await _slots.WaitAsync();
        }

        _slots.Release(window);
    }
}

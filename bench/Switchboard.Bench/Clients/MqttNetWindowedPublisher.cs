using MQTTnet;

namespace Switchboard.Bench;

/// <summary>
/// Keeps at most <paramref name="window"/> MQTTnet <c>PublishAsync</c> calls outstanding (a SemaphoreSlim): how
/// MQTTnet users get more than one QoS 1 acknowledgement per round trip.
/// </summary>
public sealed class MqttNetWindowedPublisher(IMqttClient client, int window)
{
    private readonly SemaphoreSlim _slots = new(window, window);
    private int _failures;

    public int Failures => _failures;

    /// <summary>Waits for a free slot, then starts the publish without awaiting it.</summary>
    public async ValueTask PublishAsync(MqttApplicationMessage message)
    {
        await _slots.WaitAsync();
        _ = SendAsync(message);
    }

    private async Task SendAsync(MqttApplicationMessage message)
    {
        try
        {
            await client.PublishAsync(message);
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

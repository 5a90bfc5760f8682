using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MQTTnet;

namespace Switchboard;

/// <summary>
/// Runs handlers for received messages, one message at a time in arrival order, so the handlers of a subscription
/// see messages in order and acknowledgements go out in the order the broker sent the messages. The queue in front
/// is bounded: when handlers fall behind, MQTTnet's receive loop waits here, and the broker (told our
/// receive-maximum) stops sending QoS ≥ 1 messages. A QoS ≥ 1 message is acknowledged after its handlers return.
/// </summary>
internal sealed class IncomingDispatcher
{
    private readonly Channel<IncomingMessage> _channel;
    private readonly SubscriptionTable _table;
    private readonly DedupeCache? _dedupe;
    private readonly ClientCounters _counters;
    private readonly ILogger _logger;
    private readonly bool _withholdAckOnFailure;
    private readonly List<FilterEntry> _matches = [];
    private readonly List<IncomingMessage> _acks = [];

    // Small against the broker's window (our receive-maximum), so held-back acknowledgements never starve it.
    private readonly int _ackBatch;

    public IncomingDispatcher(int capacity, SubscriptionTable table, DedupeCache? dedupe, ClientCounters counters, ILogger logger, bool withholdAckOnFailure)
    {
        _channel = Channel.CreateBounded<IncomingMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _table = table;
        _dedupe = dedupe;
        _counters = counters;
        _logger = logger;
        _withholdAckOnFailure = withholdAckOnFailure;
        _ackBatch = Math.Clamp(capacity / 4, 1, 64);
    }

    public int Count => _channel.Reader.Count;

    /// <summary>Queues a message, waiting while the queue is full (backpressure).</summary>
    public ValueTask EnqueueAsync(IncomingMessage message, CancellationToken cancellationToken) =>
        _channel.Writer.WriteAsync(message, cancellationToken);

    public void Complete() => _channel.Writer.TryComplete();

    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (await _channel.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                // Acknowledgements of what is queued now are sent together (one socket write), after their handlers.
                while (_channel.Reader.TryRead(out var incoming))
                {
                    if (await DispatchAsync(incoming, stopping).ConfigureAwait(false))
                    {
                        _acks.Add(incoming);
                        if (_acks.Count >= _ackBatch)
                        {
                            await AcknowledgeBatchAsync().ConfigureAwait(false);
                        }
                    }
                }

                await AcknowledgeBatchAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs the handlers; true when the message is to be acknowledged.</summary>
    private async ValueTask<bool> DispatchAsync(IncomingMessage incoming, CancellationToken stopping)
    {
        var message = incoming.Message;
        string? dedupeKey = null;
        if (_dedupe is not null && DedupeCache.TryGetKey(message.Payload.Span, out var key))
        {
            if (_dedupe.IsDuplicate(key))
            {
                Interlocked.Increment(ref _counters.DuplicatesDropped);
                Log.DuplicateSuppressed(_logger, message.Topic);
                return true;
            }

            dedupeKey = key;
        }

        var failed = false;
        _matches.Clear();
        _table.Match(message.Topic, _matches);
        foreach (var entry in _matches)
        {
            foreach (var registration in entry.Handlers)
            {
                if (registration.Handler is null)
                {
                    continue;
                }

                try
                {
                    await registration.Handler(message, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    // Shutting down mid-handler: leave it unacknowledged so a persistent session gets it again.
                    return false;
                }
                catch (Exception ex)
                {
                    failed = true;
                    Interlocked.Increment(ref _counters.HandlerErrors);
                    Log.HandlerFailed(_logger, entry.Filter, message.Topic, ex);
                }
            }
        }

        if (failed && _withholdAckOnFailure)
        {
            // With a persistent session the broker redelivers unacknowledged messages after a reconnect, so a
            // handler that failed gets another chance; forget the dedupe key so that redelivery isn't suppressed.
            if (dedupeKey is not null)
            {
                _dedupe!.Forget(dedupeKey);
            }

            return false;
        }

        return true;
    }

    private async ValueTask AcknowledgeBatchAsync()
    {
        if (_acks.Count == 0)
        {
            return;
        }

        CoalescingStream? corked = null;
        foreach (var incoming in _acks)
        {
            var stream = incoming.Session.Stream;
            if (stream != corked)
            {
                await UncorkAsync(corked).ConfigureAwait(false);
                corked = stream;
                corked?.Cork();
            }

            await AcknowledgeAsync(incoming).ConfigureAwait(false);
        }

        await UncorkAsync(corked).ConfigureAwait(false);
        _acks.Clear();
    }

    private static async ValueTask UncorkAsync(CoalescingStream? stream)
    {
        if (stream is null)
        {
            return;
        }

        try
        {
            await stream.UncorkAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection failed; the broker redelivers what we could not acknowledge.
        }
    }

    private static async ValueTask AcknowledgeAsync(IncomingMessage incoming)
    {
        if (incoming.Message.Qos == Qos.AtMostOnce || !incoming.Session.IsAlive)
        {
            return;
        }

        try
        {
            await incoming.Args.AcknowledgeAsync(incoming.Session.Lost).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection went away before the ack; the broker will redeliver (at-least-once).
        }
    }
}

/// <summary>A received message with what is needed to acknowledge it on the connection it came from.</summary>
internal readonly record struct IncomingMessage(MqttMessage Message, MqttApplicationMessageReceivedEventArgs Args, ConnectionSession Session);

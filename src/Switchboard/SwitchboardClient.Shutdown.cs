namespace Switchboard;

public sealed partial class SwitchboardClient
{
    /// <summary>
    /// Shuts down gracefully: publishes the shutdown health (when health is on), drains the outgoing queue for up to
    /// <paramref name="drainTimeout"/> (default <see cref="SwitchboardOptions.DrainTimeout"/>), fails what is left with
    /// <see cref="MqttPublishException"/>, and disconnects cleanly so the broker discards the will. Idempotent.
    /// A handler that is running is waited for (its cancellation token is cancelled first), for at most the drain
    /// timeout; called from inside a handler of this client, it does not wait for that handler.
    /// </summary>
    public Task ShutdownAsync(TimeSpan? drainTimeout = null, CancellationToken cancellationToken = default)
    {
        lock (_lifecycle)
        {
            _shutdownTask ??= ShutdownCoreAsync(drainTimeout ?? _settings.Options.DrainTimeout, _dispatcher.IsCallingHandler, cancellationToken);
            return _shutdownTask;
        }
    }

    /// <summary>Same as <see cref="ShutdownAsync"/> with the default drain timeout.</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    private async Task ShutdownCoreAsync(TimeSpan drainTimeout, bool calledByHandler, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (_settings.Options.EnableHealth && _supervisor.State == ConnectionState.Connected)
        {
            try
            {
                _queue.TryEnqueue(CreateHealthMessage(ok: false, "shutdown", err: null, awaited: false));
            }
            catch (Exception)
            {
                // Closed by a fault: nothing can be sent anyway.
            }
        }

        if (_supervisor.State == ConnectionState.Connected || _supervisor.State == ConnectionState.Reconnecting)
        {
            try
            {
                using var drain = new CancellationTokenSource(drainTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(drain.Token, cancellationToken);
                await _pump.WhenIdleAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        var undelivered = _queue.Close(ExceptionFactory.ShutDown);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_pumpTask, _dispatcher.StopAsync(calledByHandler, drainTimeout), _heartbeatTask ?? Task.CompletedTask).ConfigureAwait(false);
        undelivered.AddRange(_pump.TakeInflight());

        // Sends cancelled by the stop put their messages back into the (closed) queue: collect them too.
        undelivered.AddRange(_queue.Close(ExceptionFactory.ShutDown));
        if (undelivered.Count > 0)
        {
            Log.UndeliveredAtShutdown(_logger, undelivered.Count);
        }

        var kept = 0;
        foreach (var message in undelivered)
        {
            var inOutbox = message.OutboxPosition >= 0;
            kept += inOutbox ? 1 : 0;
            Interlocked.Increment(ref _counters.PublishErrors);
            message.Fail(ExceptionFactory.NotDeliveredBeforeShutdown(message.Topic, drainTimeout, inOutbox));
        }

        if (kept > 0)
        {
            Log.KeptInOutbox(_logger, kept);
        }

        await _supervisor.StopAsync(cancellationToken).ConfigureAwait(false);
        _stateEvents.Writer.TryComplete();
        await _eventsTask.ConfigureAwait(false);
        _metrics.Dispose();
        _outbox?.Dispose();
    }
}

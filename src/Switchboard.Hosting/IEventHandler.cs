namespace Switchboard.Hosting;

/// <summary>
/// Handles envelopes of a subscription added with
/// <see cref="SwitchboardBuilderExtensions.AddEventSubscription{THandler, T}(ISwitchboardBuilder, string, Qos)"/>, with
/// <c>data</c> deserialized to <typeparamref name="T"/> (payloads that are not envelopes are counted and skipped by the
/// client). Resolved per message in a new DI scope, like <see cref="IMessageHandler"/>.
/// </summary>
/// <typeparam name="T">The type of the envelope's <c>data</c>.</typeparam>
public interface IEventHandler<T>
{
    /// <summary>Handles one envelope. <paramref name="cancellationToken"/> fires when the client shuts down.</summary>
    ValueTask HandleAsync(Envelope<T> envelope, CancellationToken cancellationToken);
}

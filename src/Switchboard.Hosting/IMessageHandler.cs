namespace Switchboard.Hosting;

/// <summary>
/// Handles messages of a subscription added with
/// <see cref="SwitchboardBuilderExtensions.AddSubscription{THandler}(ISwitchboardBuilder, string, Qos)"/>.
/// A new instance is resolved for every message, in its own DI scope, so scoped dependencies (a DbContext, a unit of
/// work) are fresh per message. A QoS ≥ 1 message is acknowledged after <see cref="HandleAsync"/> returns; an exception
/// is logged and counted by the client (<see cref="SwitchboardStats.HandlerErrors"/>) and dispatch goes on.
/// </summary>
public interface IMessageHandler
{
    /// <summary>Handles one message. <paramref name="cancellationToken"/> fires when the client shuts down.</summary>
    ValueTask HandleAsync(MqttMessage message, CancellationToken cancellationToken);
}

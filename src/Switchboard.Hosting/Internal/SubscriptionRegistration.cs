namespace Switchboard.Hosting.Internal;

/// <summary>A subscription the hosted service makes before connecting; the handler is resolved per message.</summary>
internal sealed class SubscriptionRegistration(
    string filter,
    Qos qos,
    Type handlerType,
    Func<SwitchboardClient, IServiceProvider, CancellationToken, Task<Subscription>> subscribe)
{
    public string Filter { get; } = filter;

    public Qos Qos { get; } = qos;

    public Type HandlerType { get; } = handlerType;

    public Task<Subscription> SubscribeAsync(SwitchboardClient client, IServiceProvider services, CancellationToken cancellationToken) =>
        subscribe(client, services, cancellationToken);

    public bool SameAs(SubscriptionRegistration other) =>
        Filter == other.Filter && Qos == other.Qos && HandlerType == other.HandlerType;
}

/// <summary>Marks a health check registered by <c>AddHealthCheck</c>, so a second call with the same name is a no-op.</summary>
internal sealed record HealthCheckMarker(string Name);

/// <summary>Marks that the core services are registered.</summary>
internal sealed class SwitchboardMarker;

using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Switchboard.Hosting.Internal;

namespace Switchboard.Hosting;

/// <summary>Subscriptions with DI handlers, a health check and hosting options for the shared client.</summary>
public static class SwitchboardBuilderExtensions
{
    private const string ReflectionJson =
        "Deserializes envelope data with reflection-based System.Text.Json metadata, which trimming can break and Native " +
        "AOT cannot generate. Use the AddEventSubscription overload that takes a JsonTypeInfo<T> from a source-generated " +
        "JsonSerializerContext instead.";

    /// <summary>
    /// Subscribes <paramref name="filter"/> when the host starts; every message is handled by a
    /// <typeparamref name="THandler"/> resolved in a new DI scope (registered as scoped unless already registered).
    /// Adding the same filter, QoS and handler again is a no-op.
    /// </summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <param name="builder">The builder from <c>AddSwitchboard</c>.</param>
    /// <param name="filter">A topic filter (<c>+</c>, <c>#</c>, <c>$share/&lt;group&gt;/…</c>).</param>
    /// <param name="qos">The subscription's maximum QoS.</param>
    public static ISwitchboardBuilder AddSubscription<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this ISwitchboardBuilder builder, string filter, Qos qos = Qos.AtLeastOnce)
        where THandler : class, IMessageHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(filter);
        builder.Services.TryAddScoped<THandler>();
        Add(builder, new SubscriptionRegistration(filter, qos, typeof(THandler), (client, services, ct) =>
        {
            var scopes = services.GetRequiredService<IServiceScopeFactory>();
            return client.SubscribeAsync(filter, (message, token) => HandleAsync<THandler>(scopes, message, token), qos, ct);
        }));
        return builder;
    }

    /// <summary>
    /// Subscribes <paramref name="filter"/> for envelopes when the host starts; each envelope, with <c>data</c>
    /// deserialized to <typeparamref name="T"/> with reflection-based metadata (the client's
    /// <see cref="SwitchboardOptions.JsonSerializerOptions"/> or its snake_case default), is handled by a
    /// <typeparamref name="THandler"/> resolved in a new DI scope. Payloads that are not envelopes are counted and
    /// skipped by the client. Under trimming or Native AOT use the overload that takes a <see cref="JsonTypeInfo{T}"/>.
    /// </summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <typeparam name="T">The type of the envelope's <c>data</c>.</typeparam>
    /// <param name="builder">The builder from <c>AddSwitchboard</c>.</param>
    /// <param name="filter">A topic filter.</param>
    /// <param name="qos">The subscription's maximum QoS.</param>
    [RequiresUnreferencedCode(ReflectionJson)]
    [RequiresDynamicCode(ReflectionJson)]
    public static ISwitchboardBuilder AddEventSubscription<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, T>(this ISwitchboardBuilder builder, string filter, Qos qos = Qos.AtLeastOnce)
        where THandler : class, IEventHandler<T> =>
        AddEventSubscription<THandler, T>(builder, filter, static (client, filter, handler, qos, ct) => client.SubscribeEventsAsync(filter, handler, qos, ct), qos);

    /// <summary>
    /// Subscribes <paramref name="filter"/> for envelopes when the host starts; each envelope, with <c>data</c>
    /// deserialized to <typeparamref name="T"/> with <paramref name="typeInfo"/> (source-generated metadata, from a
    /// <c>JsonSerializerContext</c>: trimming and Native AOT safe), is handled by a <typeparamref name="THandler"/>
    /// resolved in a new DI scope. Payloads that are not envelopes are counted and skipped by the client.
    /// </summary>
    /// <typeparam name="THandler">The handler type.</typeparam>
    /// <typeparam name="T">The type of the envelope's <c>data</c>.</typeparam>
    /// <param name="builder">The builder from <c>AddSwitchboard</c>.</param>
    /// <param name="filter">A topic filter.</param>
    /// <param name="typeInfo">The JSON metadata of <typeparamref name="T"/>.</param>
    /// <param name="qos">The subscription's maximum QoS.</param>
    public static ISwitchboardBuilder AddEventSubscription<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, T>(this ISwitchboardBuilder builder, string filter, JsonTypeInfo<T> typeInfo, Qos qos = Qos.AtLeastOnce)
        where THandler : class, IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return AddEventSubscription<THandler, T>(builder, filter, (client, filter, handler, qos, ct) => client.SubscribeEventsAsync(filter, handler, typeInfo, qos, ct), qos);
    }

    private static ISwitchboardBuilder AddEventSubscription<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler, T>(
        ISwitchboardBuilder builder, string filter, Func<SwitchboardClient, string, EnvelopeHandler<T>, Qos, CancellationToken, Task<Subscription>> subscribe, Qos qos)
        where THandler : class, IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(filter);
        builder.Services.TryAddScoped<THandler>();
        Add(builder, new SubscriptionRegistration(filter, qos, typeof(THandler), (client, services, ct) =>
        {
            var scopes = services.GetRequiredService<IServiceScopeFactory>();
            return subscribe(client, filter, (envelope, token) => HandleEventAsync<THandler, T>(scopes, envelope, token), qos, ct);
        }));
        return builder;
    }

    /// <summary>
    /// Adds a health check of the shared client: Healthy when connected, Degraded while connecting or reconnecting,
    /// Unhealthy when disconnected or faulted. Its data holds state, queued, inflight, reconnects, dropped,
    /// publishErrors and lastError (never a password). Adding the same name again is a no-op.
    /// </summary>
    /// <param name="builder">The builder from <c>AddSwitchboard</c>.</param>
    /// <param name="name">The health check's name.</param>
    /// <param name="tags">Tags to filter health checks by (e.g. <c>ready</c>, <c>live</c>).</param>
    public static ISwitchboardBuilder AddHealthCheck(this ISwitchboardBuilder builder, string name = "switchboard", params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var marker = new HealthCheckMarker(name);
        if (builder.Services.Any(d => marker.Equals(d.ImplementationInstance)))
        {
            return builder;
        }

        builder.Services.AddSingleton(marker);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            name,
            static sp => new SwitchboardHealthCheck(sp.GetRequiredService<SwitchboardClient>()),
            failureStatus: null,
            tags));
        return builder;
    }

    /// <summary>Configures how the hosted service runs the client (after the <c>Switchboard:Hosting</c> section).</summary>
    /// <param name="builder">The builder from <c>AddSwitchboard</c>.</param>
    /// <param name="configure">Sets <see cref="SwitchboardHostingOptions"/>.</param>
    public static ISwitchboardBuilder ConfigureHosting(this ISwitchboardBuilder builder, Action<SwitchboardHostingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(builder.Name, configure);
        return builder;
    }

    private static void Add(ISwitchboardBuilder builder, SubscriptionRegistration registration)
    {
        if (!builder.Services.Any(d => d.ImplementationInstance is SubscriptionRegistration existing && existing.SameAs(registration)))
        {
            builder.Services.AddSingleton(registration);
        }
    }

    private static async ValueTask HandleAsync<THandler>(IServiceScopeFactory scopes, MqttMessage message, CancellationToken cancellationToken)
        where THandler : class, IMessageHandler
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(message, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async ValueTask HandleEventAsync<THandler, T>(IServiceScopeFactory scopes, Envelope<T> envelope, CancellationToken cancellationToken)
        where THandler : class, IEventHandler<T>
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            await scope.ServiceProvider.GetRequiredService<THandler>().HandleAsync(envelope, cancellationToken).ConfigureAwait(false);
        }
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Switchboard.Hosting;

/// <summary>
/// Returned by <c>AddSwitchboard(…)</c>; carries only what extension methods need to register more services for the
/// shared client (subscriptions, health check, hosting options).
/// </summary>
public interface ISwitchboardBuilder
{
    /// <summary>The options name of the client's <see cref="SwitchboardOptions"/>; the shared client uses the default
    /// name (<see cref="Microsoft.Extensions.Options.Options.DefaultName"/>, the empty string).</summary>
    string Name { get; }

    /// <summary>The service collection the client is registered in.</summary>
    IServiceCollection Services { get; }
}

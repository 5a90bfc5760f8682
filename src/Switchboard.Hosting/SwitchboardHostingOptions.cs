namespace Switchboard.Hosting;

/// <summary>
/// How the hosted service runs the shared client. Bound from the <c>Switchboard:Hosting</c> configuration section, or
/// set with <see cref="SwitchboardBuilderExtensions.ConfigureHosting"/>.
/// </summary>
public sealed class SwitchboardHostingOptions
{
    /// <summary>Stop the application (<c>IHostApplicationLifetime.StopApplication()</c>) when the client faults, i.e.
    /// the broker refused it for good (bad credentials, not authorized, session taken over …) and it stopped
    /// reconnecting. On by default, so an orchestrator restarts the service instead of leaving it deaf.</summary>
    public bool StopApplicationOnFault { get; set; } = true;

    /// <summary>Upper bound for connecting in the host's start phase, on top of the host's own token; none by default.
    /// Useful with <see cref="SwitchboardOptions.RetryFirstConnect"/>, which otherwise retries until the host gives up.</summary>
    public TimeSpan? StartTimeout { get; set; }
}

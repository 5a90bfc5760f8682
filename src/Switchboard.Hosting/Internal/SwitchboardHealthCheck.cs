using System.Text.RegularExpressions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Switchboard.Hosting.Internal;

/// <summary>Healthy when connected, Degraded while (re)connecting, the registration's failure status (Unhealthy by
/// default) when disconnected or faulted. Data: clientId, state, broker (the one it is on or trying, without credentials),
/// queued, inflight, reconnects, dropped, publishErrors, lastError.</summary>
internal sealed partial class SwitchboardHealthCheck(SwitchboardClient client) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stats = client.GetStats();
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["clientId"] = client.ClientId,
            ["state"] = stats.State.ToString(),
            ["broker"] = stats.Broker ?? string.Empty,
            ["queued"] = stats.Queued,
            ["inflight"] = stats.Inflight,
            ["reconnects"] = stats.Reconnects,
            ["dropped"] = stats.Dropped,
            ["publishErrors"] = stats.PublishErrors,
        };
        if (stats.LastError is { } lastError)
        {
            data["lastError"] = Redact(lastError);
        }

        var description = $"MQTT client '{client.ClientId}' is {stats.State}{(stats.Broker is null ? string.Empty : $" ({stats.Broker})")}";
        var result = stats.State switch
        {
            ConnectionState.Connected => HealthCheckResult.Healthy(description, data),
            ConnectionState.Connecting or ConnectionState.Reconnecting => HealthCheckResult.Degraded(description, data: data),
            _ => new HealthCheckResult(context.Registration.FailureStatus, description, data: data),
        };
        return Task.FromResult(result);
    }

    // The core keeps passwords out of its messages; this is a second line of defence, since health data is often
    // served on an unauthenticated endpoint.
    private string Redact(string text)
    {
        var options = client.Options;
        text = UserInfoPattern().Replace(text, "://$1:***@");
        foreach (var secret in Secrets(options))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    private static IEnumerable<string> Secrets(SwitchboardOptions options)
    {
        if (!string.IsNullOrEmpty(options.Password))
        {
            yield return options.Password;
        }

        // Url may be a comma-separated list (a password with a comma in it is still caught by UserInfoPattern).
        foreach (var url in options.Url?.Split(',', StringSplitOptions.TrimEntries) ?? [])
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
            {
                var raw = uri.UserInfo[(colon + 1)..];
                if (raw.Length > 0)
                {
                    yield return raw;
                    yield return Uri.UnescapeDataString(raw);
                }
            }
        }
    }

    [GeneratedRegex(@"://([^:/@\s]*):[^@/\s]*@")]
    private static partial Regex UserInfoPattern();
}

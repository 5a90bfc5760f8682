using System.Collections;
using System.Globalization;

namespace Switchboard;

public sealed partial class SwitchboardOptions
{
    /// <summary>Reads the options from the process environment (see <see cref="OptionKeys"/>) and validates them.</summary>
    /// <exception cref="SwitchboardConfigurationException">A variable is missing or malformed; the message names it.</exception>
    public static SwitchboardOptions FromEnvironment()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            env[(string)entry.Key] = entry.Value as string;
        }

        return FromEnvironment(env);
    }

    /// <summary>Reads the options from the given variables instead of the process environment, and validates them.</summary>
    /// <exception cref="SwitchboardConfigurationException">A variable is missing or malformed; the message names it.</exception>
    public static SwitchboardOptions FromEnvironment(IReadOnlyDictionary<string, string?> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        string? Get(string key) => variables.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var options = new SwitchboardOptions();
        var url = Get(OptionKeys.Url);
        var legacyHost = Get(OptionKeys.BrokerHost);
        if (url is null && legacyHost is not null)
        {
            var port = Get(OptionKeys.BrokerPort) is { } p ? ParseInt(OptionKeys.BrokerPort, p, 1, 65535) : 1883;
            url = $"mqtt://{(legacyHost.Contains(':', StringComparison.Ordinal) ? $"[{legacyHost}]" : legacyHost)}:{port}";

            // Checked here so an error names the variable the user actually set.
            BrokerEndpoint.Parse(url, $"{OptionKeys.BrokerHost}/{OptionKeys.BrokerPort} (as {url})", OptionKeys.BrokerHost);
        }
        else if (url is not null && Get(OptionKeys.BrokerPort) is { } p && legacyHost is null)
        {
            // MQTT_BROKER_PORT alone is meaningless next to a URL; say so rather than silently ignore it.
            throw new SwitchboardConfigurationException(OptionKeys.BrokerPort, p, $"{OptionKeys.BrokerPort}='{p}' is set without {OptionKeys.BrokerHost}; put the port in {OptionKeys.Url} instead.");
        }

        options.Url = url ?? throw new SwitchboardConfigurationException(OptionKeys.Url, null, $"{OptionKeys.Url} is not set. Set it to the broker address, e.g. mqtt://localhost:1883 (or set the legacy {OptionKeys.BrokerHost}).");
        options.ClientId = Get(OptionKeys.ClientId) ?? throw new SwitchboardConfigurationException(OptionKeys.ClientId, null, $"{OptionKeys.ClientId} is not set. Every service needs its own client id, e.g. MQTT_CLIENT_ID=memory-worker.");
        options.SourceName = Get(OptionKeys.SourceName);
        options.Username = Get(OptionKeys.Username);
        options.Password = Get(OptionKeys.Password);
        options.TopicPrefix = Get(OptionKeys.TopicPrefix);
        options.TlsCaFile = Get(OptionKeys.TlsCaFile);
        options.TlsCertFile = Get(OptionKeys.TlsCertFile);
        options.TlsKeyFile = Get(OptionKeys.TlsKeyFile);
        options.OutboxPath = Get(OptionKeys.OutboxPath);

        if (Get(OptionKeys.Protocol) is { } protocol)
        {
            options.Protocol = ParseProtocol(OptionKeys.Protocol, protocol);
        }

        if (Get(OptionKeys.OverflowPolicy) is { } overflow)
        {
            options.OverflowPolicy = ParseOverflowPolicy(OptionKeys.OverflowPolicy, overflow);
        }

        SetSeconds(OptionKeys.KeepAlive, v => options.KeepAlive = v);
        SetSeconds(OptionKeys.ConnectTimeout, v => options.ConnectTimeout = v);
        SetSeconds(OptionKeys.SessionExpiry, v => options.SessionExpiry = v);
        SetSeconds(OptionKeys.HeartbeatInterval, v => options.HeartbeatInterval = v);
        SetSeconds(OptionKeys.DedupeTtl, v => options.DedupeTtl = v);
        SetSeconds(OptionKeys.ReconnectMinDelay, v => options.ReconnectMinDelay = v);
        SetSeconds(OptionKeys.ReconnectMaxDelay, v => options.ReconnectMaxDelay = v);
        SetSeconds(OptionKeys.DrainTimeout, v => options.DrainTimeout = v);
        SetSeconds(OptionKeys.RequestTimeout, v => options.RequestTimeout = v);
        SetBool(OptionKeys.CleanStart, v => options.CleanStart = v);
        SetBool(OptionKeys.TlsInsecure, v => options.TlsInsecure = v);
        SetBool(OptionKeys.EnableHealth, v => options.EnableHealth = v);
        SetBool(OptionKeys.EnableHeartbeat, v => options.EnableHeartbeat = v);
        SetBool(OptionKeys.RetryFirstConnect, v => options.RetryFirstConnect = v);
        SetInt(OptionKeys.DedupeMaxEntries, v => options.DedupeMaxEntries = v);
        SetInt(OptionKeys.QueueCapacity, v => options.QueueCapacity = v);
        SetInt(OptionKeys.MaxInflight, v => options.MaxInflight = v);
        SetInt(OptionKeys.IncomingQueueCapacity, v => options.IncomingQueueCapacity = v);
        SetInt(OptionKeys.MaxRedeliveries, v => options.MaxRedeliveries = v);
        options.DeadLetterTopic = Get(OptionKeys.DeadLetterTopic) ?? options.DeadLetterTopic;

        OptionsValidator.Validate(options);
        return options;

        void SetSeconds(string key, Action<TimeSpan> set)
        {
            if (Get(key) is { } raw)
            {
                set(ParseSeconds(key, raw));
            }
        }

        void SetBool(string key, Action<bool> set)
        {
            if (Get(key) is { } raw)
            {
                set(ParseBool(key, raw));
            }
        }

        void SetInt(string key, Action<int> set)
        {
            if (Get(key) is { } raw)
            {
                set(ParseInt(key, raw, int.MinValue, int.MaxValue));
            }
        }
    }

    internal static bool ParseBool(string key, string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new SwitchboardConfigurationException(key, raw, $"{key}='{raw}' is not a boolean; use true/false, 1/0, yes/no or on/off."),
    };

    internal static TimeSpan ParseSeconds(string key, string raw)
    {
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || double.IsNaN(seconds) || double.IsInfinity(seconds))
        {
            throw new SwitchboardConfigurationException(key, raw, $"{key}='{raw}' is not a number of seconds (e.g. 30 or 0.5).");
        }

        if (seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            throw new SwitchboardConfigurationException(key, raw, $"{key}='{raw}' is out of range; it must be zero or a positive number of seconds.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    internal static int ParseInt(string key, string raw, int min, int max)
    {
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw new SwitchboardConfigurationException(key, raw, $"{key}='{raw}' is not a whole number.");
        }

        if (value < min || value > max)
        {
            throw new SwitchboardConfigurationException(key, raw, $"{key}='{raw}' is out of range; it must be between {min} and {max}.");
        }

        return value;
    }

    internal static MqttProtocol ParseProtocol(string key, string raw) => raw.Trim().ToLowerInvariant() switch
    {
        "5" or "5.0" or "v5" or "v500" or "mqttv5" => MqttProtocol.V500,
        "3.1.1" or "311" or "4" or "v311" or "mqttv311" => MqttProtocol.V311,
        _ => throw new SwitchboardConfigurationException(key, raw, $"{key}='{raw}' is not a supported MQTT protocol version; use 5 or 3.1.1."),
    };

    internal static OverflowPolicy ParseOverflowPolicy(string key, string raw) => raw.Trim().ToLowerInvariant().Replace('_', '-') switch
    {
        "wait" => OverflowPolicy.Wait,
        "drop-oldest" or "dropoldest" => OverflowPolicy.DropOldest,
        "drop-newest" or "dropnewest" => OverflowPolicy.DropNewest,
        _ => throw new SwitchboardConfigurationException(key, raw, $"{key}='{raw}' is not an overflow policy; use wait, drop-oldest or drop-newest."),
    };
}

namespace Switchboard;

/// <summary>Checks every setting once and snapshots the result. Messages name the property, its environment
/// variable, the bad value and what is allowed.</summary>
internal static class OptionsValidator
{
    public static ClientSettings Validate(SwitchboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Url))
        {
            throw new SwitchboardConfigurationException(nameof(options.Url), null, $"Url ({OptionKeys.Url}) is not set. Set it to the broker address, e.g. mqtt://localhost:1883.");
        }

        var brokers = BrokerList.Parse(options.Url, $"Url ({OptionKeys.Url})", nameof(options.Url));
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            throw new SwitchboardConfigurationException(nameof(options.ClientId), options.ClientId, $"ClientId ({OptionKeys.ClientId}) is not set. Every service needs its own client id, e.g. memory-worker.");
        }

        if (options.ClientId.Length > 256 || options.ClientId.Any(c => c is '/' or '+' or '#' || char.IsControl(c)))
        {
            throw new SwitchboardConfigurationException(nameof(options.ClientId), options.ClientId, $"ClientId ({OptionKeys.ClientId})='{options.ClientId}' is not usable: it names the topic system/health/<id>, so it must be at most 256 characters without '/', '+', '#' or control characters.");
        }

        Range(nameof(options.KeepAlive), OptionKeys.KeepAlive, options.KeepAlive, TimeSpan.Zero, TimeSpan.FromSeconds(65535));
        if (options.KeepAlive > TimeSpan.Zero && options.KeepAlive < TimeSpan.FromSeconds(1))
        {
            Fail(nameof(options.KeepAlive), OptionKeys.KeepAlive, Seconds(options.KeepAlive), "must be 0 (off) or at least 1 second");
        }

        Range(nameof(options.ConnectTimeout), OptionKeys.ConnectTimeout, options.ConnectTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        Range(nameof(options.SessionExpiry), OptionKeys.SessionExpiry, options.SessionExpiry, TimeSpan.Zero, TimeSpan.FromSeconds(uint.MaxValue));
        Range(nameof(options.HeartbeatInterval), OptionKeys.HeartbeatInterval, options.HeartbeatInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        Range(nameof(options.DedupeTtl), OptionKeys.DedupeTtl, options.DedupeTtl, TimeSpan.Zero, TimeSpan.FromDays(7));
        Range(nameof(options.ReconnectMinDelay), OptionKeys.ReconnectMinDelay, options.ReconnectMinDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        Range(nameof(options.ReconnectMaxDelay), OptionKeys.ReconnectMaxDelay, options.ReconnectMaxDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        Range(nameof(options.DrainTimeout), OptionKeys.DrainTimeout, options.DrainTimeout, TimeSpan.Zero, TimeSpan.FromHours(1));
        Range(nameof(options.RequestTimeout), OptionKeys.RequestTimeout, options.RequestTimeout, TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        if (options.ReconnectMaxDelay < options.ReconnectMinDelay)
        {
            throw new SwitchboardConfigurationException(nameof(options.ReconnectMaxDelay), Seconds(options.ReconnectMaxDelay), $"ReconnectMaxDelay ({OptionKeys.ReconnectMaxDelay})={Seconds(options.ReconnectMaxDelay)} is smaller than ReconnectMinDelay ({OptionKeys.ReconnectMinDelay})={Seconds(options.ReconnectMinDelay)}.");
        }

        Count(nameof(options.DedupeMaxEntries), OptionKeys.DedupeMaxEntries, options.DedupeMaxEntries, 1, 10_000_000);
        Count(nameof(options.QueueCapacity), OptionKeys.QueueCapacity, options.QueueCapacity, 1, 10_000_000);
        Count(nameof(options.MaxInflight), OptionKeys.MaxInflight, options.MaxInflight, 1, 65535);
        Count(nameof(options.IncomingQueueCapacity), OptionKeys.IncomingQueueCapacity, options.IncomingQueueCapacity, 1, 65535);
        Count(nameof(options.MaxRedeliveries), OptionKeys.MaxRedeliveries, options.MaxRedeliveries, 0, 1000);
        if (options.DeadLetterTopic is not null)
        {
            try
            {
                Topics.ValidateTopicName(options.DeadLetterTopic, nameof(options.DeadLetterTopic));
            }
            catch (ArgumentException ex)
            {
                Fail(nameof(options.DeadLetterTopic), OptionKeys.DeadLetterTopic, options.DeadLetterTopic, $"is not a topic a message can be published to: {ex.Message}");
            }
        }
        if (!Enum.IsDefined(options.OverflowPolicy))
        {
            Fail(nameof(options.OverflowPolicy), OptionKeys.OverflowPolicy, options.OverflowPolicy.ToString(), "must be Wait, DropOldest or DropNewest");
        }

        if (!Enum.IsDefined(options.Protocol))
        {
            Fail(nameof(options.Protocol), OptionKeys.Protocol, options.Protocol.ToString(), "must be V500 or V311");
        }

        if (!options.CleanStart && options.SessionExpiry == TimeSpan.Zero && options.Protocol == MqttProtocol.V500)
        {
            Fail(nameof(options.CleanStart), OptionKeys.CleanStart, "false", $"asks for a persistent session, but SessionExpiry ({OptionKeys.SessionExpiry}) is 0, so the broker would discard it at disconnect; set a session expiry in seconds");
        }

        if ((options.TlsCaFile ?? options.TlsCertFile ?? options.TlsKeyFile) is not null && brokers.FirstOrDefault(b => !b.UseTls) is { } plain)
        {
            // Every broker of a list: a failover that silently drops to plain text would send the credentials in clear.
            var which = brokers.Count == 1 ? "the URL scheme" : $"the scheme of {plain}";
            Fail(nameof(options.TlsCaFile), OptionKeys.TlsCaFile, options.TlsCaFile ?? options.TlsCertFile, $"TLS files are set but {which} '{plain.Scheme}' is not encrypted; use mqtts:// or wss://");
        }

        if ((options.TlsCertFile is null) != (options.TlsKeyFile is null))
        {
            Fail(options.TlsCertFile is null ? nameof(options.TlsCertFile) : nameof(options.TlsKeyFile), options.TlsCertFile is null ? OptionKeys.TlsCertFile : OptionKeys.TlsKeyFile, options.TlsCertFile ?? options.TlsKeyFile, "is set without its partner: a client certificate needs both TlsCertFile and TlsKeyFile");
        }

        FileExists(nameof(options.TlsCaFile), OptionKeys.TlsCaFile, options.TlsCaFile);
        FileExists(nameof(options.TlsCertFile), OptionKeys.TlsCertFile, options.TlsCertFile);
        FileExists(nameof(options.TlsKeyFile), OptionKeys.TlsKeyFile, options.TlsKeyFile);

        if (options.OutboxPath is { Length: 0 })
        {
            Fail(nameof(options.OutboxPath), OptionKeys.OutboxPath, string.Empty, "must be a directory path or unset");
        }

        if (!Enum.IsDefined(options.OutboxFsync))
        {
            Fail(nameof(options.OutboxFsync), OptionKeys.OutboxFsync, options.OutboxFsync.ToString(), "must be Never, Batch or Always");
        }

        if (options.OutboxFsync != OutboxFsync.Never && options.OutboxPath is null)
        {
            // Asking for power-cut safety without an outbox would silently give none.
            Fail(nameof(options.OutboxFsync), OptionKeys.OutboxFsync, options.OutboxFsync.ToString(), $"needs OutboxPath ({OptionKeys.OutboxPath}): without a durable outbox there is nothing to force to disk");
        }

        return new ClientSettings(options.Clone(), brokers);
    }

    private static void Range(string property, string env, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Fail(property, env, Seconds(value), $"must be between {Seconds(min)} and {Seconds(max)} seconds");
        }
    }

    private static void Count(string property, string env, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Fail(property, env, value.ToString(System.Globalization.CultureInfo.InvariantCulture), $"must be between {min} and {max}");
        }
    }

    private static void FileExists(string property, string env, string? path)
    {
        if (path is not null && !File.Exists(path))
        {
            Fail(property, env, path, "names a file that does not exist");
        }
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static void Fail(string property, string env, string? value, string rule) =>
        throw new SwitchboardConfigurationException(property, value, $"{property} ({env})='{value}' {rule}.");
}

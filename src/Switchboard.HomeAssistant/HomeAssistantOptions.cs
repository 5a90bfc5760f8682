namespace Switchboard.HomeAssistant;

/// <summary>Settings shared by <see cref="HomeAssistantRegistry"/> and <see cref="HomeAssistantDevicePublisher"/>.</summary>
public sealed class HomeAssistantOptions
{
    /// <summary>Home Assistant's default discovery prefix.</summary>
    public const string DefaultDiscoveryPrefix = "homeassistant";

    /// <summary>The prefix used for <c>&lt;prefix&gt;/&lt;type&gt;/&lt;id&gt;/set|state</c> topics when neither
    /// <see cref="TopicPrefix"/> nor <see cref="SwitchboardOptions.TopicPrefix"/> is set (the Python services' default).</summary>
    public const string DefaultTopicPrefix = "smarthome";

    /// <summary>The discovery prefix (Home Assistant's <c>discovery_prefix</c>). The registry subscribes <c>&lt;prefix&gt;/#</c>.</summary>
    public string DiscoveryPrefix { get; set; } = DefaultDiscoveryPrefix;

    /// <summary>Tasmota's default discovery prefix (<c>SetOption19 0</c>, the default since Tasmota 9).</summary>
    public const string DefaultTasmotaDiscoveryPrefix = "tasmota/discovery";

    /// <summary>The prefix of Tasmota's own discovery (<c>&lt;prefix&gt;/&lt;MAC&gt;/config</c> and <c>…/sensors</c>, what
    /// Home Assistant's Tasmota integration reads). The registry subscribes <c>&lt;prefix&gt;/#</c> too and turns each
    /// Tasmota device into the same kind of entities as Home Assistant discovery; null turns this second source off.</summary>
    public string? TasmotaDiscoveryPrefix { get; set; } = DefaultTasmotaDiscoveryPrefix;

    /// <summary>Home Assistant's birth topic; when it says <see cref="BirthPayload"/> the device publisher re-announces.</summary>
    public string BirthTopic { get; set; } = "homeassistant/status";

    /// <summary>The birth payload meaning "Home Assistant (re)started".</summary>
    public string BirthPayload { get; set; } = "online";

    /// <summary>Prefix of the device publisher's default state/command topics and of the simple device helpers;
    /// null uses <see cref="SwitchboardOptions.TopicPrefix"/>, then <see cref="DefaultTopicPrefix"/>.</summary>
    public string? TopicPrefix { get; set; }

    /// <summary>QoS of the registry's subscriptions (discovery and entity state topics).</summary>
    public Qos SubscriptionQos { get; set; } = Qos.AtLeastOnce;

    /// <summary>Components to accept besides <see cref="HomeAssistantComponents.Supported"/> (for newer Home Assistant versions).</summary>
    public ISet<string> AdditionalComponents { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Where the registry sends the markers of <see cref="HomeAssistantRegistry.WaitUntilReadyAsync"/> and
    /// <see cref="HomeAssistantRegistry.WhenIdleAsync"/>: it subscribes and publishes (QoS 1, not retained)
    /// <c>&lt;prefix&gt;/&lt;client id&gt;/&lt;random&gt;</c>, so the broker must let the client do both there.</summary>
    public string SyncTopicPrefix { get; set; } = "switchboard/registry-sync";

    /// <summary>How many recent rejections <see cref="HomeAssistantRegistry.Rejections"/> keeps.</summary>
    public int RejectionHistory { get; set; } = 100;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(DiscoveryPrefix) || DiscoveryPrefix.IndexOfAny(['+', '#']) >= 0 || DiscoveryPrefix.EndsWith('/'))
        {
            throw new ArgumentException($"HomeAssistantOptions.DiscoveryPrefix '{DiscoveryPrefix}' must be a topic without wildcards or a trailing '/'.", nameof(DiscoveryPrefix));
        }

        if (TasmotaDiscoveryPrefix is not null && (string.IsNullOrWhiteSpace(TasmotaDiscoveryPrefix) || TasmotaDiscoveryPrefix.IndexOfAny(['+', '#']) >= 0 || TasmotaDiscoveryPrefix.EndsWith('/')
            || TasmotaDiscoveryPrefix == DiscoveryPrefix || TasmotaDiscoveryPrefix.StartsWith(DiscoveryPrefix + "/", StringComparison.Ordinal) || DiscoveryPrefix.StartsWith(TasmotaDiscoveryPrefix + "/", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"HomeAssistantOptions.TasmotaDiscoveryPrefix '{TasmotaDiscoveryPrefix}' must be null or a topic without wildcards or a trailing '/', apart from DiscoveryPrefix.", nameof(TasmotaDiscoveryPrefix));
        }

        if (string.IsNullOrWhiteSpace(BirthTopic) || BirthTopic.IndexOfAny(['+', '#']) >= 0)
        {
            throw new ArgumentException($"HomeAssistantOptions.BirthTopic '{BirthTopic}' must be a topic without wildcards.", nameof(BirthTopic));
        }

        if (TopicPrefix is not null && (TopicPrefix.Length == 0 || TopicPrefix.IndexOfAny(['+', '#']) >= 0 || TopicPrefix.EndsWith('/')))
        {
            throw new ArgumentException($"HomeAssistantOptions.TopicPrefix '{TopicPrefix}' must be a topic without wildcards or a trailing '/'.", nameof(TopicPrefix));
        }

        if (string.IsNullOrWhiteSpace(SyncTopicPrefix) || SyncTopicPrefix.IndexOfAny(['+', '#']) >= 0 || SyncTopicPrefix.EndsWith('/'))
        {
            throw new ArgumentException($"HomeAssistantOptions.SyncTopicPrefix '{SyncTopicPrefix}' must be a topic without wildcards or a trailing '/'.", nameof(SyncTopicPrefix));
        }

        if (RejectionHistory < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RejectionHistory), RejectionHistory, "HomeAssistantOptions.RejectionHistory must be zero or more.");
        }
    }

    internal string ResolveTopicPrefix(SwitchboardClient client)
    {
        if (TopicPrefix is not null)
        {
            return TopicPrefix;
        }

        var legacy = client.Options.TopicPrefix;
        return string.IsNullOrWhiteSpace(legacy) ? DefaultTopicPrefix : legacy.TrimEnd('/');
    }

    internal HomeAssistantOptions Clone()
    {
        var copy = new HomeAssistantOptions
        {
            DiscoveryPrefix = DiscoveryPrefix,
            TasmotaDiscoveryPrefix = TasmotaDiscoveryPrefix,
            BirthTopic = BirthTopic,
            BirthPayload = BirthPayload,
            TopicPrefix = TopicPrefix,
            SubscriptionQos = SubscriptionQos,
            RejectionHistory = RejectionHistory,
            SyncTopicPrefix = SyncTopicPrefix,
        };
        copy.AdditionalComponents.UnionWith(AdditionalComponents);
        return copy;
    }
}

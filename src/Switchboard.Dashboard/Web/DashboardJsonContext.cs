using System.Text.Json;
using System.Text.Json.Serialization;
using Switchboard.Dashboard.Home;

namespace Switchboard.Dashboard.Web;

/// <summary>Source-generated JSON for everything the dashboard sends and reads (no reflection, trimming-safe).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DashboardUpdate))]
[JsonSerializable(typeof(CommandRequest))]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(SessionInfo))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;


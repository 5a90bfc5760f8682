using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace Switchboard.Cli;

/// <summary>
/// Wraps one of MQTTnet's listeners so that an MQTT 3.1.1 client with an empty client id and a clean session is
/// accepted with an id the broker assigns, as Mosquitto, EMQX and HiveMQ do (MQTT 3.1.1 §3.1.3.1 allows it; Paho and
/// asyncio-mqtt send an empty id by default, mosquitto_sub without <c>-i</c> too). MQTTnet's connection hook can
/// assign an id only under MQTT 5 (<see cref="EmbeddedBroker"/> does that there, so the CONNACK tells the client);
/// under 3.1.1 MQTTnet refuses an empty id whatever the hook does, so the id is filled into the CONNECT packet as it
/// is read, before MQTTnet validates it. An empty id with a persistent session stays refused, as the spec requires.
/// </summary>
internal sealed class ClientIdAssigningAdapter(IMqttServerAdapter inner) : IMqttServerAdapter
{
    public Func<IMqttChannelAdapter, Task> ClientHandler
    {
        get => inner.ClientHandler;
        set => inner.ClientHandler = value is null ? null! : channel => value(new Channel(channel));
    }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger) => inner.StartAsync(options, logger);

    public Task StopAsync() => inner.StopAsync();

    public void Dispose() => inner.Dispose();

    /// <summary>An id for a client that sent none: recognisable in logs, unique per connection.</summary>
    public static string NewClientId() => $"auto-{Guid.NewGuid():N}";

    private sealed class Channel(IMqttChannelAdapter inner) : IMqttChannelAdapter
    {
        private bool _connectSeen;

        public long BytesReceived => inner.BytesReceived;

        public long BytesSent => inner.BytesSent;

        public X509Certificate2 ClientCertificate => inner.ClientCertificate;

        public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

        public EndPoint LocalEndPoint => inner.LocalEndPoint;

        public bool IsSecureConnection => inner.IsSecureConnection;

        public MqttPacketFormatterAdapter PacketFormatterAdapter => inner.PacketFormatterAdapter;

        public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

        public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

        public async Task<MqttPacket> ReceivePacketAsync(CancellationToken cancellationToken)
        {
            var packet = await inner.ReceivePacketAsync(cancellationToken).ConfigureAwait(false);
            if (!_connectSeen && packet is MqttConnectPacket connect)
            {
                // Only the first packet of a connection is its CONNECT; the protocol version is known once it is read.
                _connectSeen = true;
                if (string.IsNullOrEmpty(connect.ClientId) && connect.CleanSession && inner.PacketFormatterAdapter.ProtocolVersion != MqttProtocolVersion.V500)
                {
                    connect.ClientId = NewClientId();
                }
            }

            return packet;
        }

        public void ResetStatistics() => inner.ResetStatistics();

        public Task SendPacketAsync(MqttPacket packet, CancellationToken cancellationToken) => inner.SendPacketAsync(packet, cancellationToken);

        public void Dispose() => inner.Dispose();
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.IntegrationTests.Brokers;

/// <summary>
/// Hands out free loopback TCP ports for brokers.
/// </summary>
/// <remarks>
/// Ports are drawn at random from below the kernel's ephemeral range (ip_local_port_range, usually 32768-60999), so a
/// client's outgoing connection can never be assigned a broker's port: neither while the broker runs nor while it is
/// down for a restart (where a reconnecting client could otherwise "self-connect" to its own ephemeral port). Every
/// port is handed out at most once per process, and is checked by binding it. Brokers still retry with another port
/// if a bind races with another process.
/// </remarks>
public static class FreePort
{
    const int RangeStart = 20000;
    static readonly object Gate = new();
    static readonly HashSet<int> HandedOut = [];
    static readonly int RangeEnd = ReadEphemeralLow() - 1;

    /// <summary>A loopback port that nothing listens on right now and that this process has not handed out before.</summary>
    public static int Next()
    {
        if (RangeEnd - RangeStart < 1000)
        {
            return NextFromKernel();
        }

        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = Random.Shared.Next(RangeStart, RangeEnd + 1);
            lock (Gate)
            {
                if (!HandedOut.Add(candidate))
                {
                    continue;
                }
            }

            if (CanBind(candidate))
            {
                return candidate;
            }
        }

        return NextFromKernel();
    }

    /// <summary>Binds 127.0.0.1:0, reads the port the kernel chose, and releases it.</summary>
    public static int NextFromKernel()
    {
        while (true)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (Gate)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    static bool CanBind(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    static int ReadEphemeralLow()
    {
        try
        {
            var text = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range");
            var first = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            return int.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}

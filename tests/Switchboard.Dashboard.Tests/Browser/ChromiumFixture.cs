using Microsoft.Playwright;

namespace Switchboard.Dashboard.Tests.Browser;

/// <summary>
/// One headless Debian Chromium per test class, driven by Playwright (which never downloads a browser here). Each test
/// opens its own <see cref="IBrowserContext"/>, so cookies and storage are never shared between tests.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    /// <summary>Where Debian's package puts it; <c>SWITCHBOARD_CHROMIUM</c> overrides.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("SWITCHBOARD_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"Chromium is not at {ExecutablePath}: install Debian's 'chromium' package (scripts/test.sh does) or set SWITCHBOARD_CHROMIUM.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Timeout = 60_000,

            // The machine's network is closed: without these, Chromium keeps trying to reach Google's services.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

using System.Diagnostics;

namespace Defender365.Toolkit.Tests.Infrastructure;

/// <summary>The runner every process-starting test uses: a timeout says which command, how long and what it printed, and nothing is left running.</summary>
public sealed class TestProcessTests
{
    [Fact]
    public async Task A_timeout_names_the_command_its_time_and_output_and_kills_the_whole_tree()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"defender365-testprocess-{Guid.NewGuid():N}");
        // A child that would write the marker after 3 s if it survived its parent's kill.
        var start = new ProcessStartInfo("bash", ["-c", $"echo started; (sleep 3; touch {marker}) & sleep 60"]);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => TestProcess.RunAsync(start, TimeSpan.FromSeconds(1)));

        Assert.Contains("'bash -c echo started;", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not finish within 1 s", error.Message, StringComparison.Ordinal);
        Assert.Contains("started", error.Message, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.False(File.Exists(marker), "A child of the timed-out process kept running.");
    }

    [Fact]
    public async Task A_finished_process_gives_its_exit_code_and_both_outputs()
    {
        var (exitCode, output, error) = await TestProcess.RunAsync(new ProcessStartInfo("bash", ["-c", "echo out; echo err >&2; exit 3"]), TimeSpan.FromSeconds(30));

        Assert.Equal(3, exitCode);
        Assert.Equal("out", output.Trim());
        Assert.Equal("err", error.Trim());
    }
}

using System.Security.Cryptography;
using System.Text;
using Defender365.Toolkit.Authorization;
using Defender365.Toolkit.Emulator;
using Defender365.Toolkit.Http;
using Defender365.Toolkit.Tests.Generated;
using Defender365.Toolkit.Tests.Infrastructure;

namespace Defender365.Toolkit.Tests.GeneratedClients;

/// <summary>
/// <c>UploadLibraryFileAsync</c> end to end: the generated client sends <c>multipart/form-data</c> (file, description,
/// parameters, overwrite flag) to the emulator, which enforces the role, the 20 MB cap and the overwrite rule; a
/// throttled upload is sent again with the same bytes.
/// </summary>
public sealed class LibraryUploadTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private DefenderTenantClient Tenant(string tenantId = EmulatorFixture.AllPermissionsTenantId, Action<DefenderClientOptions>? configure = null) =>
        new DefenderClient(fixture.CreateInvoker(configure: configure)).ForTenant(tenantId);

    private static string UniqueName() => $"collect-{Guid.NewGuid():N}.ps1";

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    [Fact]
    public async Task A_script_is_uploaded_listed_refused_twice_replaced_on_request_and_deleted()
    {
        var library = Tenant().LiveResponseLibrary;
        var name = UniqueName();
        var script = Encoding.UTF8.GetBytes("param([string]$Path)\nGet-ChildItem $Path | Out-File C:\\temp\\listing.txt\n");

        var uploaded = await library.UploadLibraryFileAsync(new MemoryStream(script), name, description: "Lists a folder", parametersDescription: "-Path <folder>", hasParameters: true);

        Assert.Equal(name, uploaded.Value.FileName);
        Assert.Equal(Sha256(script), uploaded.Value.Sha256);
        Assert.Equal("Lists a folder", uploaded.Value.Description);
        Assert.True(uploaded.Value.HasParameters);
        Assert.Equal("-Path <folder>", uploaded.Value.ParametersDescription);
        var listed = new List<string>();
        await foreach (var file in library.ListLibraryFilesAsync())
        {
            listed.Add(file.FileName);
        }

        Assert.Contains(name, listed);

        // The same name again: refused unless the caller asks to replace it.
        var conflict = await Assert.ThrowsAsync<DefenderRequestException>(() => library.UploadLibraryFileAsync(new MemoryStream(script), name));
        Assert.Equal(409, conflict.Status);
        Assert.Contains("OverrideIfExists", conflict.Message, StringComparison.Ordinal);

        var replacement = Encoding.UTF8.GetBytes("Write-Output 'v2'\n");
        var replaced = await library.UploadLibraryFileAsync(new MemoryStream(replacement), name, overrideIfExists: true);
        Assert.Equal(Sha256(replacement), replaced.Value.Sha256);
        Assert.Null(replaced.Value.Description);

        var deleted = await library.DeleteLibraryFileAsync(name);
        Assert.Equal(204, deleted.Status);
    }

    [Fact]
    public async Task A_file_over_the_documented_20_MB_fails_before_anything_is_sent()
    {
        var before = fixture.Emulator.Statistics.ApiCalls("UploadLibraryFile");
        using var huge = new MemoryStream(new byte[(20 * 1024 * 1024) + 1]);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Tenant().LiveResponseLibrary.UploadLibraryFileAsync(huge, "huge.bin"));

        Assert.Contains("larger than the 20 MB the service accepts", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Emulator.Statistics.ApiCalls("UploadLibraryFile"));
    }

    [Fact]
    public async Task A_file_of_exactly_20_MB_is_accepted()
    {
        var bytes = new byte[20 * 1024 * 1024];
        new Random(7).NextBytes(bytes);
        var name = UniqueName();

        var uploaded = await Tenant().LiveResponseLibrary.UploadLibraryFileAsync(new MemoryStream(bytes), name);

        Assert.Equal(Sha256(bytes), uploaded.Value.Sha256);
        await Tenant().LiveResponseLibrary.DeleteLibraryFileAsync(name);
    }

    [Fact]
    public async Task The_emulator_refuses_an_upload_without_the_role_as_the_service_does()
    {
        // Contoso never consented to Library.Manage; with the client's own check off, the emulator answers 403.
        var tenant = Tenant(EmulatorOptions.ContosoTenantId, o => o.ValidatePermissions = false);

        var error = await Assert.ThrowsAsync<DefenderRequestException>(() => tenant.LiveResponseLibrary.UploadLibraryFileAsync(new MemoryStream([1, 2, 3]), UniqueName()));

        Assert.Equal(403, error.Status);
        Assert.Contains("Library.Manage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_role_the_client_names_the_permission_before_sending()
    {
        var error = await Assert.ThrowsAsync<MissingPermissionException>(() => Tenant(EmulatorOptions.ContosoTenantId).LiveResponseLibrary.UploadLibraryFileAsync(new MemoryStream([1, 2, 3]), UniqueName()));

        Assert.Contains("Library.Manage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_throttled_upload_is_sent_again_with_the_same_bytes()
    {
        var bytes = Encoding.UTF8.GetBytes("Write-Output 'retried'\n");
        var name = UniqueName();
        var before = fixture.Emulator.Statistics.ApiCalls("UploadLibraryFile");
        fixture.Emulator.Faults.Throttle(1, TimeSpan.FromMilliseconds(50), operationId: "UploadLibraryFile");

        var uploaded = await Tenant().LiveResponseLibrary.UploadLibraryFileAsync(new MemoryStream(bytes), name);

        Assert.Equal(Sha256(bytes), uploaded.Value.Sha256);
        Assert.Equal(before + 2, fixture.Emulator.Statistics.ApiCalls("UploadLibraryFile"));
        await Tenant().LiveResponseLibrary.DeleteLibraryFileAsync(name);
    }

    [Theory]
    [InlineData("evil\".ps1")]
    [InlineData("line\r\nContent-Type: text/html.ps1")]
    [InlineData("")]
    public async Task A_file_name_that_would_change_the_form_is_refused(string fileName)
    {
        var form = new DefenderMultipartForm();

        await Assert.ThrowsAsync<ArgumentException>(() => form.AddFileAsync("File", fileName, new MemoryStream([1]), maxBytes: null));
    }

    [Fact]
    public async Task The_form_sends_only_the_fields_given_and_the_last_segment_of_the_file_name()
    {
        var form = new DefenderMultipartForm();
        await form.AddFileAsync("File", "/home/analyst/scripts/collect.ps1", new MemoryStream(Encoding.UTF8.GetBytes("x")), maxBytes: null);
        form.Add("Description", (string?)null);
        form.Add("OverrideIfExists", true);

        var body = form.ToBinaryData().ToString();

        Assert.Contains("filename=\"collect.ps1\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("/home/analyst", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Description", body, StringComparison.Ordinal);
        Assert.Contains("name=\"OverrideIfExists\"\r\n\r\ntrue\r\n", body, StringComparison.Ordinal);
        Assert.EndsWith("--\r\n", body, StringComparison.Ordinal);
        Assert.Equal(body, form.ToBinaryData().ToString()); // closed once: a second read is the same body
        Assert.Throws<InvalidOperationException>(() => form.Add("Late", "value"));
        Assert.StartsWith("multipart/form-data; boundary=", form.ContentType, StringComparison.Ordinal);
    }
}

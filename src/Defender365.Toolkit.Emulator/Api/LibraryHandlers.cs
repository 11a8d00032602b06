using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Defender365.Toolkit.Emulator.Data;

namespace Defender365.Toolkit.Emulator.Api;

/// <summary>
/// The live response library: upload (a <c>multipart/form-data</c> form with the file, capped at the documented size;
/// an existing name is replaced only with <c>OverrideIfExists</c>), list, delete by name.
/// </summary>
internal static class LibraryHandlers
{
    public static void Register(IDictionary<string, Func<ApiRequest, IResult>> handlers)
    {
        handlers["UploadLibraryFile"] = Upload;
        handlers["ListLibraryFiles"] = r =>
        {
            lock (r.Data.Gate)
            {
                return r.List(r.Data.LibraryFiles, "LibraryFiles");
            }
        };
        handlers["DeleteLibraryFile"] = r =>
        {
            var name = r.PathValue("fileName");
            lock (r.Data.Gate)
            {
                var removed = r.Data.LibraryFiles.RemoveAll(f => Named(f, name));
                return removed > 0 ? r.NoContent() : r.Error(404, "NotFound", $"Library file '{name}' was not found.");
            }
        };
    }

    private static IResult Upload(ApiRequest r)
    {
        var form = r.Form!;
        var file = form.Files.GetFile("File");
        if (file is null || file.Length == 0)
        {
            return r.Error(400, "MissingRequiredParameter", "The 'File' form field with the file's content is required.");
        }

        if (r.Operation.Body?.MaxFileBytes is { } max && file.Length > max)
        {
            return r.Error(400, "InvalidRequestBody", $"The file is {file.Length:N0} bytes; the library takes files of at most {max / (1024 * 1024)} MB.");
        }

        var name = Path.GetFileName(file.FileName);
        if (string.IsNullOrWhiteSpace(name))
        {
            return r.Error(400, "InvalidRequestBody", "The file has no name.");
        }

        string sha256;
        using (var content = file.OpenReadStream())
        {
            sha256 = Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();
        }

        var overwrite = bool.TryParse(form["OverrideIfExists"], out var o) && o;
        var hasParameters = bool.TryParse(form["HasParameters"], out var h) && h;
        lock (r.Data.Gate)
        {
            var existing = r.Data.LibraryFiles.FirstOrDefault(f => Named(f, name));
            if (existing is not null && !overwrite)
            {
                return r.Error(409, "Conflict", $"A library file named '{name}' already exists: set OverrideIfExists to replace it.");
            }

            var entry = new JsonObject
            {
                ["fileName"] = name,
                ["sha256"] = sha256,
                ["description"] = form["Description"].ToString() is { Length: > 0 } description ? description : null,
                ["creationTime"] = existing?["creationTime"]?.DeepClone() ?? DataSeeder.Iso(r.Now),
                ["lastUpdatedTime"] = DataSeeder.Iso(r.Now),
                ["createdBy"] = r.AppId,
                ["hasParameters"] = hasParameters,
                ["parametersDescription"] = form["ParametersDescription"].ToString() is { Length: > 0 } parameters ? parameters : null,
            };
            r.Data.LibraryFiles.RemoveAll(f => Named(f, name));
            r.Data.LibraryFiles.Add(entry);
            return r.Ok(entry.DeepClone());
        }
    }

    private static bool Named(JsonObject file, string name) =>
        string.Equals(file["fileName"]?.GetValue<string>(), name, StringComparison.OrdinalIgnoreCase);
}

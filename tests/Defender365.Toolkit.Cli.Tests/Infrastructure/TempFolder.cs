namespace Defender365.Toolkit.Cli.Tests.Infrastructure;

/// <summary>A folder of files written by a test, deleted with it.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix) => Directory = System.IO.Directory.CreateTempSubdirectory(prefix);

    public DirectoryInfo Directory { get; }

    public string FullName => Directory.FullName;

    /// <summary>Writes <paramref name="text"/> to <paramref name="relativePath"/>, creating its folders.</summary>
    public void Write(string relativePath, string text)
    {
        var path = Path.Combine(FullName, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    public void Dispose() => Directory.Delete(recursive: true);
}

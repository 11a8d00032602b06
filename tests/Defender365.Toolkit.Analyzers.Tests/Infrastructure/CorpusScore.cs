using Microsoft.CodeAnalysis.Text;
using Xunit.Abstractions;

namespace Defender365.Toolkit.Analyzers.Tests.Infrastructure;

/// <summary>A line of a corpus file: the file's name and the zero-based line number.</summary>
internal readonly record struct CorpusLine(string File, int Line)
{
    public override string ToString() => $"{File}:{Line + 1}";
}

/// <summary>
/// A detector scored on a labelled corpus, per line: a line ending in <c>// secret</c> must be reported, a report on any
/// other line is a false positive. Shared by the C# and the settings corpora.
/// </summary>
internal sealed class CorpusScore
{
    private CorpusScore(IReadOnlySet<CorpusLine> labelled, IReadOnlySet<CorpusLine> reported)
    {
        Labelled = labelled;
        Reported = reported;
        FalsePositives = [.. reported.Where(r => !labelled.Contains(r))];
        FalseNegatives = [.. labelled.Where(l => !reported.Contains(l))];
    }

    public IReadOnlySet<CorpusLine> Labelled { get; }

    public IReadOnlySet<CorpusLine> Reported { get; }

    public CorpusLine[] FalsePositives { get; }

    public CorpusLine[] FalseNegatives { get; }

    public int TruePositives => Labelled.Count - FalseNegatives.Length;

    public double Precision => TruePositives / (double)Math.Max(1, TruePositives + FalsePositives.Length);

    public double Recall => TruePositives / (double)Math.Max(1, Labelled.Count);

    /// <summary>Scores the reports against the <c>// secret</c> labels of the files.</summary>
    public static CorpusScore Of(IEnumerable<(string Path, SourceText Text)> files, IEnumerable<CorpusLine> reported)
    {
        var labelled = files.SelectMany(file => file.Text.Lines
                .Where(line => line.ToString().TrimEnd().EndsWith("// secret", StringComparison.Ordinal))
                .Select(line => new CorpusLine(Path.GetFileName(file.Path), line.LineNumber)))
            .ToHashSet();
        return new CorpusScore(labelled, reported.ToHashSet());
    }

    /// <summary>Writes the figures, every miss and every false positive.</summary>
    public void WriteTo(ITestOutputHelper output)
    {
        output.WriteLine($"labelled {Labelled.Count}, reported lines {Reported.Count}, TP {TruePositives}, FP {FalsePositives.Length}, FN {FalseNegatives.Length}");
        output.WriteLine($"precision {Precision:F3}, recall {Recall:F3}");
        foreach (var miss in FalseNegatives)
        {
            output.WriteLine($"missed {miss}");
        }

        foreach (var wrong in FalsePositives)
        {
            output.WriteLine($"false positive {wrong}");
        }
    }

    /// <summary>Fails unless precision and recall reach the targets; the message lists the lines that missed them.</summary>
    public void AssertTargets(double precision, double recall)
    {
        Assert.True(Precision >= precision, $"precision {Precision:F3}: {string.Join(", ", FalsePositives)}");
        Assert.True(Recall >= recall, $"recall {Recall:F3}: {string.Join(", ", FalseNegatives)}");
    }
}

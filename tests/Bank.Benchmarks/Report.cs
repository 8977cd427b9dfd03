using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Bank.Benchmarks;

/// <summary>The run's figures as a Markdown table, a JSON file and an SVG plot under bench-results/.</summary>
internal static class Report
{
    public static string Write(Bench bench, string[] scenarios, TimeSpan elapsed)
    {
        var directory = Path.Combine(RepositoryRoot(), "bench-results");
        Directory.CreateDirectory(directory);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var machine = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";

        var markdown = new StringBuilder();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Scenarios: {string.Join(", ", scenarios)}{(bench.Quick ? " (--quick)" : "")}; {machine}; {elapsed.TotalMinutes:0.0} min");
        markdown.AppendLine();
        markdown.AppendLine("| scenario | figure | value | baseline (same run) | ratio |");
        markdown.AppendLine("| --- | --- | ---: | --- | ---: |");
        foreach (var figure in bench.Figures)
        {
            var baseline = figure.BaselineValue is { } value ? $"{figure.Baseline}: {value:N1} {figure.Unit}" : "";
            var ratio = figure.Ratio is { } r ? $"{r:0.00}x" : "";
            markdown.AppendLine(CultureInfo.InvariantCulture, $"| {figure.Scenario} | {figure.Name} | {figure.Value:N1} {figure.Unit} | {baseline} | {ratio} |");
        }

        File.WriteAllText(Path.Combine(directory, $"{stamp}.json"), JsonSerializer.Serialize(
            new { machine, quick = bench.Quick, scenarios, figures = bench.Figures.Select(f => new { f.Scenario, f.Name, f.Value, f.Unit, f.Baseline, f.BaselineValue, f.Ratio }) },
            new JsonSerializerOptions(JsonSerializerOptions.Web) { WriteIndented = true }));
        if (bench.Plots.Count > 0)
        {
            File.WriteAllText(Path.Combine(directory, $"{stamp}-latency.svg"), Svg(bench.Plots));
        }

        return markdown.ToString();
    }

    /// <summary>One small line chart per plot, side by side.</summary>
    private static string Svg(Dictionary<string, List<(string Series, double X, double Y)>> plots)
    {
        const int width = 420, height = 260, margin = 50;
        string[] colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width * plots.Count}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">");
        var index = 0;
        foreach (var (title, points) in plots)
        {
            var left = index++ * width;
            var xs = points.Select(p => p.X).Distinct().Order().ToList();
            var maxY = Math.Max(points.Max(p => double.IsFinite(p.Y) ? p.Y : 0), 0.001) * 1.1;
            double X(double x) => left + margin + (xs.Count == 1 ? 0 : (double)xs.IndexOf(x) / (xs.Count - 1) * (width - 2 * margin));
            double Y(double y) => height - margin - (y / maxY * (height - 2 * margin));
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left + 10}\" y=\"18\" font-weight=\"bold\">{title}</text>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{left + margin}\" y1=\"{height - margin}\" x2=\"{left + width - margin}\" y2=\"{height - margin}\" stroke=\"#999\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{left + margin}\" y1=\"{margin}\" x2=\"{left + margin}\" y2=\"{height - margin}\" stroke=\"#999\"/>");
            svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left + 4}\" y=\"{margin}\">{maxY:0.#}</text><text x=\"{left + 30}\" y=\"{height - margin}\">0</text>");
            foreach (var x in xs)
            {
                svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{X(x) - 10:0.#}\" y=\"{height - margin + 15}\">{x:N0}</text>");
            }

            var series = points.Select(p => p.Series).Distinct().ToList();
            for (var s = 0; s < series.Count; s++)
            {
                var line = points.Where(p => p.Series == series[s] && double.IsFinite(p.Y)).OrderBy(p => p.X)
                    .Select(p => $"{X(p.X):0.#},{Y(p.Y):0.#}");
                svg.AppendLine(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colours[s % colours.Length]}\" stroke-width=\"2\" points=\"{string.Join(' ', line)}\"/>");
                svg.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left + margin + 8}\" y=\"{margin + 4 + (s * 13)}\" fill=\"{colours[s % colours.Length]}\">{series[s]}</text>");
            }
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Modular.sln")))
            {
                return directory.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}

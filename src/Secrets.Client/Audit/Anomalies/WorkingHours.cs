using System.Globalization;

namespace Secrets.Client;

/// <summary>The working week of <see cref="SecretAnomalyOptions"/>: days, hours (a shift may run over midnight) and time zone.</summary>
internal sealed class WorkingHours
{
    private readonly bool[] _days = new bool[7];
    private readonly TimeOnly _start;
    private readonly TimeOnly _end;

    public WorkingHours(SecretAnomalyOptions options)
    {
        foreach (var day in options.WorkingDays)
        {
            _days[(int)day] = true;
        }

        TimeZone = options.TimeZone;
        _start = options.WorkingHoursStart;
        _end = options.WorkingHoursEnd;
        Text = string.Create(CultureInfo.InvariantCulture,
            $"{_start:HH\\:mm}-{_end:HH\\:mm} {string.Join(',', options.WorkingDays.Order().Select(day => day.ToString()[..3]))} ({TimeZone.Id})");
    }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>Gets the working week as people write it, for anomaly descriptions: <c>09:00-18:00 Mon,Tue (UTC)</c>.</summary>
    public string Text { get; }

    /// <summary>Tells whether <paramref name="timestamp"/> falls outside the working week, and gives it in the working time zone.</summary>
    public bool IsOffHours(DateTimeOffset timestamp, out DateTimeOffset local)
    {
        local = TimeZoneInfo.ConvertTime(timestamp, TimeZone);
        var time = TimeOnly.FromTimeSpan(local.TimeOfDay);
        var day = (int)local.DayOfWeek;
        bool working;
        if (_start == _end)
        {
            working = _days[day];
        }
        else if (_start < _end)
        {
            working = _days[day] && time >= _start && time < _end;
        }
        else
        {
            // A shift over midnight belongs to the day it starts.
            working = time >= _start ? _days[day] : time < _end && _days[(day + 6) % 7];
        }

        return !working;
    }
}

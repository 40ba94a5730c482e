#pragma once

#include "DemoDataset.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace warden {

// Turns "rows done of a table" into the 0-100 scale of DemoProgress and calls the callback
// only when the percentage or the stage changes, so a console is not flooded with 480,000
// updates.
class DemoProgressReporter
{
public:
    explicit DemoProgressReporter(const DemoProgress &progress)
        : m_progress(progress)
    {
    }

    void report(int percent, std::string_view stage)
    {
        percent = std::clamp(percent, 0, 100);
        if (!m_progress || (percent == m_last && stage == m_stage))
            return;
        m_last = percent;
        m_stage.assign(stage);
        m_progress(percent, stage);
    }

    // `done` of `total` units of work mapped onto [from, to].
    void report(std::size_t done, std::size_t total, int from, int to, std::string_view stage)
    {
        const std::size_t span = static_cast<std::size_t>(std::max(to - from, 0));
        const std::size_t step = total == 0 ? span : std::min(done, total) * span / total;
        report(from + static_cast<int>(step), stage);
    }

private:
    const DemoProgress &m_progress;
    int m_last = -1;
    std::string m_stage;
};

} // namespace warden

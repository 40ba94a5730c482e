#pragma once

#include "clients/ClientConfigWriter.h"

#include <QWidget>

#include <array>
#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSplitter;

namespace warden {

// The Desktop clients panel: writes Warden into Claude Desktop's, Cursor's and VS Code's MCP
// configuration (ClientConfigWriter does the work; this panel shows each client's file and
// state, the diff before anything is written, and what happened), and shows the command
// line for any other stdio client. File work runs on the thread pool.
class DesktopClientsPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int ClientCount = 3;

    DesktopClientsPanel(clients::StdioLaunch launch, clients::ClientConfigWriter::Environment environment,
                        QWidget *parent = nullptr);
    ~DesktopClientsPanel() override;

    // Reads every client's file again and shows where each stands.
    void refresh();
    // Shows what setting up `client` would change (the same as its Preview button).
    void preview(clients::Client client);

Q_SIGNALS:
    // A refresh, preview or write finished (tests wait for it; the UI needs no signal).
    void idle();

private:
    struct Row
    {
        QLabel *path = nullptr;
        QLabel *state = nullptr;
        QPushButton *preview = nullptr;
    };

    QWidget *createClientsBox();
    QWidget *createPreviewBox();
    QWidget *createCommandBox();
    void showState(clients::Client client, const Result<clients::ClientConfigWriter::Plan> &plan);
    void showPreview(Result<clients::ClientConfigWriter::Plan> plan);
    void writePlan();
    void cancelPreview();
    void copyCommand();
    void setBusy(bool busy);
    // Runs `work` on the thread pool and `done` with its result back on this thread.
    template<typename Work, typename Done>
    void inBackground(Work work, Done done);

    clients::StdioLaunch m_launch;
    clients::ClientConfigWriter m_writer;
    bool m_canWrite = false;
    bool m_splitterMoved = false;
    int m_pending = 0;
    std::optional<clients::ClientConfigWriter::Plan> m_plan;

    QSplitter *m_splitter = nullptr;
    QLabel *m_launchProblem = nullptr;
    std::array<Row, ClientCount> m_rows;
    QPushButton *m_refreshButton = nullptr;
    QLabel *m_previewTitle = nullptr;
    QLabel *m_previewNotice = nullptr;
    QPlainTextEdit *m_diff = nullptr;
    QPushButton *m_writeButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QLabel *m_result = nullptr;
    QLineEdit *m_command = nullptr;
    QPushButton *m_copyButton = nullptr;
};

} // namespace warden

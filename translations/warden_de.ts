<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Console</name>
    <message>
        <source>Warden console: governed MCP access to SQL databases.</source>
        <translation>Warden-Konsole: kontrollierter MCP-Zugriff auf SQL-Datenbanken.</translation>
    </message>
    <message>
        <source>Use the server configuration FILE instead of the bundled demo.</source>
        <translation>Die Serverkonfiguration FILE statt der mitgelieferten Demo verwenden.</translation>
    </message>
    <message>
        <source>Listen for HTTP on port N (0 picks a free port).</source>
        <translation>HTTP auf Port N annehmen (0 wählt einen freien Port).</translation>
    </message>
    <message>
        <source>Do not start the server when the console opens.</source>
        <translation>Den Server beim Öffnen der Konsole nicht starten.</translation>
    </message>
    <message>
        <source>Use the language CODE (for example de or en).</source>
        <translation>Die Sprache CODE verwenden (zum Beispiel de oder en).</translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot;; see --help</source>
        <translation>unerwartetes Argument „%1“; siehe --help</translation>
    </message>
    <message>
        <source>--port needs a number from 0 to 65535, not &quot;%1&quot;</source>
        <translation>--port braucht eine Zahl von 0 bis 65535, nicht „%1“</translation>
    </message>
    <message>
        <source>Cannot create the folder %1: check its permissions.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden: Prüfen Sie seine Zugriffsrechte.</translation>
    </message>
    <message>
        <source>Creating the demo shop database in %1.
This takes a few seconds and happens only once.</source>
        <translation>Die Demo-Shop-Datenbank wird in %1 angelegt.
Das dauert einige Sekunden und geschieht nur einmal.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Warden</source>
        <translation>Warden</translation>
    </message>
    <message>
        <source>Creating the demo database was cancelled.</source>
        <translation>Das Anlegen der Demo-Datenbank wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The demo database could not be created.

%1</source>
        <translation>Die Demo-Datenbank konnte nicht angelegt werden.

%1</translation>
    </message>
    <message>
        <source>The configuration %1 cannot be used:

%2</source>
        <translation>Die Konfiguration %1 kann nicht verwendet werden:

%2</translation>
    </message>
</context>
<context>
    <name>warden::MainWindow</name>
    <message>
        <source>Set up Claude Desktop, Cursor or VS Code to start Warden over stdio.</source>
        <translation>Claude Desktop, Cursor oder VS Code so einrichten, dass sie Warden über stdio starten.</translation>
    </message>
    <message>
        <source>Edit and validate the policy: which tables, columns and rows agents may see.</source>
        <translation>Die Richtlinie bearbeiten und prüfen: welche Tabellen, Spalten und Zeilen Agenten sehen dürfen.</translation>
    </message>
    <message>
        <source>Configure the OAuth 2.0 resource server: issuers, audiences and scopes.</source>
        <translation>Den OAuth-2.0-Ressourcenserver einrichten: Aussteller, Zielgruppen und Scopes.</translation>
    </message>
    <message>
        <source>Browse, verify and export the tamper-evident audit trail.</source>
        <translation>Das manipulationssichere Prüfprotokoll durchsuchen, verifizieren und exportieren.</translation>
    </message>
    <message>
        <source>Watch usage against call, row and cost budgets.</source>
        <translation>Den Verbrauch gegenüber Aufruf-, Zeilen- und Kostenbudgets verfolgen.</translation>
    </message>
    <message>
        <source>Try a tool call as a chosen principal and see the compiled SQL and the policy decisions.</source>
        <translation>Einen Werkzeugaufruf als gewählter Principal ausprobieren und das erzeugte SQL und die Richtlinienentscheidungen sehen.</translation>
    </message>
    <message>
        <source>Approve or reject writes that wait for an operator.</source>
        <translation>Schreibzugriffe genehmigen oder ablehnen, die auf einen Operator warten.</translation>
    </message>
    <message>
        <source>Warden</source>
        <translation>Warden</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Desktop clients</source>
        <translation>Desktop-Clients</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <source>OAuth</source>
        <translation>OAuth</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Budgets</source>
        <translation>Budgets</translation>
    </message>
    <message>
        <source>Query tester</source>
        <translation>Abfragetester</translation>
    </message>
    <message>
        <source>Approvals</source>
        <translation>Genehmigungen</translation>
    </message>
    <message>
        <source>Panels</source>
        <translation>Bereiche</translation>
    </message>
    <message>
        <source>Start and stop the server, see its endpoint and traffic (Ctrl+%1)</source>
        <translation>Den Server starten und stoppen, Endpunkt und Verkehr sehen (Strg+%1)</translation>
    </message>
    <message>
        <source>Not available in this version yet (Ctrl+%1)</source>
        <translation>In dieser Version noch nicht verfügbar (Strg+%1)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>Start the server and listen for MCP clients</source>
        <translation>Den Server starten und MCP-Clients annehmen</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>Sto&amp;ppen</translation>
    </message>
    <message>
        <source>Stop the server; connected clients are disconnected</source>
        <translation>Den Server stoppen; verbundene Clients werden getrennt</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;%1 %2</source>
        <translation>&amp;%1 %2</translation>
    </message>
    <message>
        <source>Go to &amp;panel list</source>
        <translation>Zur &amp;Bereichsliste</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Warden</source>
        <translation>Über &amp;Warden</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Über &amp;Qt</translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation>Nicht empfangsbereit</translation>
    </message>
    <message>
        <source>Requests: %1 · %2 calls/s</source>
        <translation>Anfragen: %1 · %2 Aufrufe/s</translation>
    </message>
    <message>
        <source>About Warden</source>
        <translation>Über Warden</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Warden %1&lt;/h3&gt;&lt;p&gt;Governed, audited access to SQL databases for LLM agents over the Model Context Protocol.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Warden %1&lt;/h3&gt;&lt;p&gt;Kontrollierter, protokollierter Zugriff auf SQL-Datenbanken für LLM-Agenten über das Model Context Protocol.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2.&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>warden::RequestLogModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <source>Tool or resource</source>
        <translation>Werkzeug oder Ressource</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>%1 µs</source>
        <translation>%1 µs</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
</context>
<context>
    <name>warden::ServerPanel</name>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>The embedded MCP server that agents and desktop clients connect to.</source>
        <translation>Der eingebettete MCP-Server, mit dem sich Agenten und Desktop-Clients verbinden.</translation>
    </message>
    <message>
        <source>S&amp;tart</source>
        <translation>S&amp;tarten</translation>
    </message>
    <message>
        <source>Start the server and listen for MCP clients (F5)</source>
        <translation>Den Server starten und MCP-Clients annehmen (F5)</translation>
    </message>
    <message>
        <source>St&amp;op</source>
        <translation>St&amp;oppen</translation>
    </message>
    <message>
        <source>Stop the server; connected clients are disconnected (Shift+F5)</source>
        <translation>Den Server stoppen; verbundene Clients werden getrennt (Umschalt+F5)</translation>
    </message>
    <message>
        <source>Server error</source>
        <translation>Serverfehler</translation>
    </message>
    <message>
        <source>&amp;Dismiss</source>
        <translation>Aus&amp;blenden</translation>
    </message>
    <message>
        <source>Hide this message</source>
        <translation>Diese Meldung ausblenden</translation>
    </message>
    <message>
        <source>Not listening</source>
        <translation>Nicht empfangsbereit</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>Endpunkt</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy the endpoint URL to the clipboard</source>
        <translation>Die Endpunkt-URL in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpunkt:</translation>
    </message>
    <message>
        <source>Database:</source>
        <translation>Datenbank:</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>JSON-RPC requests answered since the server started</source>
        <translation>Seit dem Serverstart beantwortete JSON-RPC-Anfragen</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Requests that ended in a protocol or tool error</source>
        <translation>Anfragen, die mit einem Protokoll- oder Werkzeugfehler endeten</translation>
    </message>
    <message>
        <source>Sessions</source>
        <translation>Sitzungen</translation>
    </message>
    <message>
        <source>MCP sessions open now</source>
        <translation>Derzeit offene MCP-Sitzungen</translation>
    </message>
    <message>
        <source>Calls per second</source>
        <translation>Aufrufe pro Sekunde</translation>
    </message>
    <message>
        <source>Average over the last five seconds</source>
        <translation>Durchschnitt der letzten fünf Sekunden</translation>
    </message>
    <message>
        <source>&amp;Recent requests</source>
        <translation>Letzte An&amp;fragen</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>&amp;Leeren</translation>
    </message>
    <message>
        <source>Recent requests</source>
        <translation>Letzte Anfragen</translation>
    </message>
    <message>
        <source>Transport</source>
        <translation>Transport</translation>
    </message>
    <message>
        <source>No requests yet. Point an MCP client at the endpoint above.</source>
        <translation>Noch keine Anfragen. Richten Sie einen MCP-Client auf den Endpunkt oben.</translation>
    </message>
    <message>
        <source>The server is not running. Start it to accept requests.</source>
        <translation>Der Server läuft nicht. Starten Sie ihn, um Anfragen anzunehmen.</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
    <message>
        <source>Remove the requests shown here; the server is not affected</source>
        <translation>Die hier gezeigten Anfragen entfernen; der Server bleibt unberührt</translation>
    </message>
</context>
<context>
    <name>warden::ServerStatusController</name>
    <message>
        <source>Stopped</source>
        <translation>Gestoppt</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>Startet…</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Stoppt…</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>warden::StateIndicator</name>
    <message>
        <source>Server state: %1</source>
        <translation>Serverzustand: %1</translation>
    </message>
</context>
<context>
    <name>warden::UnavailablePanel</name>
    <message>
        <source>Not available yet</source>
        <translation>Noch nicht verfügbar</translation>
    </message>
    <message>
        <source>The %1 panel is not available in this version of Warden yet.</source>
        <translation>Der Bereich „%1“ ist in dieser Version von Warden noch nicht verfügbar.</translation>
    </message>
</context>
</TS>

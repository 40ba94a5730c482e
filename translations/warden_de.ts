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
    <name>PolicyJsonText</name>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>Zeile %1, Spalte %2: %3</translation>
    </message>
</context>
<context>
    <name>SchemaForm</name>
    <message>
        <source>%1: fill in this field; it is required.</source>
        <translation>%1: Füllen Sie dieses Feld aus; es ist erforderlich.</translation>
    </message>
    <message>
        <source>%1: enter a whole number, such as 10.</source>
        <translation>%1: Geben Sie eine ganze Zahl ein, zum Beispiel 10.</translation>
    </message>
    <message>
        <source>%1: enter a number, such as 2.5.</source>
        <translation>%1: Geben Sie eine Zahl ein, zum Beispiel 2,5.</translation>
    </message>
    <message>
        <source>%1: choose one of %2.</source>
        <translation>%1: Wählen Sie einen dieser Werte: %2.</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a whole number; separate numbers with commas.</source>
        <translation>%1: „%2“ ist keine ganze Zahl; trennen Sie Zahlen durch Kommas.</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a number; separate numbers with commas.</source>
        <translation>%1: „%2“ ist keine Zahl; trennen Sie Zahlen durch Kommas.</translation>
    </message>
    <message>
        <source>%1: this is not valid JSON (%2).</source>
        <translation>%1: Das ist kein gültiges JSON (%2).</translation>
    </message>
    <message>
        <source>This tool&apos;s input cannot be shown as a form.</source>
        <translation>Die Eingabe dieses Werkzeugs kann nicht als Formular angezeigt werden.</translation>
    </message>
    <message>
        <source>The arguments must be a JSON object.</source>
        <translation>Die Argumente müssen ein JSON-Objekt sein.</translation>
    </message>
    <message>
        <source>The form has no field &quot;%1&quot;; keep editing the raw JSON.</source>
        <translation>Das Formular hat kein Feld „%1“; bearbeiten Sie weiter das rohe JSON.</translation>
    </message>
    <message>
        <source>The form cannot show the value of &quot;%1&quot; as it is; keep editing the raw JSON.</source>
        <translation>Das Formular kann den Wert von „%1“ nicht unverändert anzeigen; bearbeiten Sie weiter das rohe JSON.</translation>
    </message>
</context>
<context>
    <name>warden::ApprovalListModel</name>
    <message>
        <source>Approval %1</source>
        <translation>Genehmigung %1</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>Angefordert</translation>
    </message>
    <message>
        <source>Tool</source>
        <translation>Werkzeug</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Requested by</source>
        <translation>Angefordert von</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
</context>
<context>
    <name>warden::ApprovalsPanel</name>
    <message>
        <source>Approvals</source>
        <translation>Genehmigungen</translation>
    </message>
    <message>
        <source>Writes that wait for an operator. Approving lets the agent run exactly this call once; denying refuses it. Every decision is kept in the audit trail.</source>
        <translation>Schreibzugriffe, die auf einen Operator warten. Eine Genehmigung lässt den Agenten genau diesen Aufruf einmal ausführen; eine Ablehnung weist ihn ab. Jede Entscheidung wird im Prüfprotokoll festgehalten.</translation>
    </message>
    <message>
        <source>Pending approvals</source>
        <translation>Offene Genehmigungen</translation>
    </message>
    <message>
        <source>&amp;Payload (exactly what is approved):</source>
        <translation>&amp;Inhalt (genau das wird genehmigt):</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Inhalt</translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation>&amp;Begründung:</translation>
    </message>
    <message>
        <source>Why you approve or deny this write</source>
        <translation>Warum Sie diesen Schreibzugriff genehmigen oder ablehnen</translation>
    </message>
    <message>
        <source>A reason is required to deny; it is kept in the audit trail.</source>
        <translation>Eine Ablehnung braucht eine Begründung; sie wird im Prüfprotokoll festgehalten.</translation>
    </message>
    <message>
        <source>&amp;Approve…</source>
        <translation>&amp;Genehmigen…</translation>
    </message>
    <message>
        <source>Let the agent run exactly this call once (Alt+A)</source>
        <translation>Den Agenten genau diesen Aufruf einmal ausführen lassen (Alt+G)</translation>
    </message>
    <message>
        <source>&amp;Deny…</source>
        <translation>Ab&amp;lehnen…</translation>
    </message>
    <message>
        <source>Refuse this call; needs a reason (Alt+D)</source>
        <translation>Diesen Aufruf abweisen; braucht eine Begründung (Alt+L)</translation>
    </message>
    <message>
        <source>This server does not offer approvals.</source>
        <translation>Dieser Server bietet keine Genehmigungen an.</translation>
    </message>
    <message>
        <source>No write is waiting for approval.</source>
        <translation>Kein Schreibzugriff wartet auf eine Genehmigung.</translation>
    </message>
    <message>
        <source>Choose an approval to see its payload.</source>
        <translation>Wählen Sie eine Genehmigung, um ihren Inhalt zu sehen.</translation>
    </message>
    <message>
        <source>%1 on %2, requested by %3.</source>
        <translation>%1 auf %2, angefordert von %3.</translation>
    </message>
    <message>
        <source>%1 on %2, requested by %3 (tenant %4).</source>
        <translation>%1 auf %2, angefordert von %3 (Mandant %4).</translation>
    </message>
    <message>
        <source>Approve write</source>
        <translation>Schreibzugriff genehmigen</translation>
    </message>
    <message>
        <source>Deny write</source>
        <translation>Schreibzugriff ablehnen</translation>
    </message>
    <message>
        <source>Approve %1 on %2 requested by %3?

The agent can then run exactly this call once. The decision is recorded as %4.</source>
        <translation>%1 auf %2, angefordert von %3, genehmigen?

Der Agent kann diesen Aufruf dann genau einmal ausführen. Die Entscheidung wird als %4 festgehalten.</translation>
    </message>
    <message>
        <source>Deny %1 on %2 requested by %3?

The decision is recorded as %4.</source>
        <translation>%1 auf %2, angefordert von %3, ablehnen?

Die Entscheidung wird als %4 festgehalten.</translation>
    </message>
    <message>
        <source>&amp;Approve</source>
        <translation>&amp;Genehmigen</translation>
    </message>
    <message>
        <source>&amp;Deny</source>
        <translation>Ab&amp;lehnen</translation>
    </message>
    <message>
        <source>Approval %1 is no longer waiting; nothing was decided.</source>
        <translation>Genehmigung %1 wartet nicht mehr; es wurde nichts entschieden.</translation>
    </message>
    <message>
        <source>Approving…</source>
        <translation>Wird genehmigt…</translation>
    </message>
    <message>
        <source>Denying…</source>
        <translation>Wird abgelehnt…</translation>
    </message>
    <message>
        <source>Not decided: %1</source>
        <translation>Nicht entschieden: %1</translation>
    </message>
    <message>
        <source>Approved %1 as %2; recorded in the audit trail.</source>
        <translation>%1 als %2 genehmigt; im Prüfprotokoll festgehalten.</translation>
    </message>
    <message>
        <source>Denied %1 as %2; recorded in the audit trail.</source>
        <translation>%1 als %2 abgelehnt; im Prüfprotokoll festgehalten.</translation>
    </message>
</context>
<context>
    <name>warden::AuditDetailController</name>
    <message>
        <source>Record %1 is no longer in the trail (retention may have removed it).</source>
        <translation>Eintrag %1 ist nicht mehr im Protokoll (die Aufbewahrungsfrist hat ihn möglicherweise entfernt).</translation>
    </message>
    <message>
        <source>Chain</source>
        <translation>Kette</translation>
    </message>
    <message>
        <source>seq: %1</source>
        <translation>Laufnummer: %1</translation>
    </message>
    <message>
        <source>hash: %1</source>
        <translation>Hash: %1</translation>
    </message>
    <message>
        <source>previous hash: %1</source>
        <translation>vorheriger Hash: %1</translation>
    </message>
    <message>
        <source>MAC: %1</source>
        <translation>MAC: %1</translation>
    </message>
    <message>
        <source>This record holds no redacted values to check against.</source>
        <translation>Dieser Eintrag enthält keine geschwärzten Werte zum Abgleichen.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird abgeglichen…</translation>
    </message>
    <message>
        <source>Cannot check the value: %1</source>
        <translation>Der Wert kann nicht abgeglichen werden: %1</translation>
    </message>
    <message>
        <source>No match: the value is none of this record&apos;s redacted values.</source>
        <translation>Keine Übereinstimmung: Der Wert ist keiner der geschwärzten Werte dieses Eintrags.</translation>
    </message>
    <message>
        <source>Match: the value is the one stored redacted at %1.</source>
        <translation>Übereinstimmung: Der Wert ist der unter %1 geschwärzt gespeicherte.</translation>
    </message>
</context>
<context>
    <name>warden::AuditJobController</name>
    <message>
        <source>Verifying the chain…</source>
        <translation>Die Kette wird verifiziert…</translation>
    </message>
    <message>
        <source>Verification cancelled.</source>
        <translation>Verifizierung abgebrochen.</translation>
    </message>
    <message>
        <source>Could not verify the chain: %1</source>
        <translation>Die Kette konnte nicht verifiziert werden: %1</translation>
    </message>
    <message>
        <source>Chain intact: %L1 records (%2 to %3), %L4 signed checkpoints.</source>
        <translation>Kette intakt: %L1 Einträge (%2 bis %3), %L4 signierte Checkpoints.</translation>
    </message>
    <message>
        <source>Chain broken at record %1: %2</source>
        <translation>Kette bei Eintrag %1 unterbrochen: %2</translation>
    </message>
    <message>
        <source>Exporting to %1…</source>
        <translation>Export nach %1…</translation>
    </message>
    <message>
        <source>Export cancelled; %1 was not written.</source>
        <translation>Export abgebrochen; %1 wurde nicht geschrieben.</translation>
    </message>
    <message>
        <source>Could not export: %1</source>
        <translation>Der Export ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Exported %L1 records to %2.</source>
        <translation>%L1 Einträge nach %2 exportiert.</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>Export abgebrochen.</translation>
    </message>
</context>
<context>
    <name>warden::AuditPanel</name>
    <message>
        <source>Audit log</source>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Audit records</source>
        <translation>Prüfprotokolleinträge</translation>
    </message>
    <message>
        <source>Follo&amp;w new records</source>
        <translation>Neuen Einträgen &amp;folgen</translation>
    </message>
    <message>
        <source>Add records to the list as the server writes them</source>
        <translation>Einträge zur Liste hinzufügen, sobald der Server sie schreibt</translation>
    </message>
    <message>
        <source>Refres&amp;h</source>
        <translation>Ak&amp;tualisieren</translation>
    </message>
    <message>
        <source>Read the trail again (F5)</source>
        <translation>Das Protokoll neu lesen (F5)</translation>
    </message>
    <message>
        <source>&amp;Verify chain</source>
        <translation>Kette &amp;verifizieren</translation>
    </message>
    <message>
        <source>Check every record&apos;s hash and MAC and every signed checkpoint: any edit, deletion or insertion shows</source>
        <translation>Hash und MAC jedes Eintrags und jeden signierten Checkpoint prüfen: Jede Änderung, Löschung oder Einfügung fällt auf</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Write the records the filter selects to a JSON Lines or CSV file (Ctrl+E)</source>
        <translation>Die vom Filter ausgewählten Einträge in eine JSON-Lines- oder CSV-Datei schreiben (Strg+E)</translation>
    </message>
    <message>
        <source>2026-11-22 14:30</source>
        <translation>2026-11-22 14:30</translation>
    </message>
    <message>
        <source>Records at or after this local time</source>
        <translation>Einträge zu oder nach dieser Ortszeit</translation>
    </message>
    <message>
        <source>2026-11-23</source>
        <translation>2026-11-23</translation>
    </message>
    <message>
        <source>Records before this local time</source>
        <translation>Einträge vor dieser Ortszeit</translation>
    </message>
    <message>
        <source>any text in the record (Ctrl+F)</source>
        <translation>beliebiger Text im Eintrag (Strg+F)</translation>
    </message>
    <message>
        <source>user</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>db_query</source>
        <translation>db_query</translation>
    </message>
    <message>
        <source>BUDGET_EXCEEDED</source>
        <translation>BUDGET_EXCEEDED</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>error</source>
        <translation>error</translation>
    </message>
    <message>
        <source>Cle&amp;ar filters</source>
        <translation>Filter &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>Vo&amp;n:</translation>
    </message>
    <message>
        <source>U&amp;ntil:</source>
        <translation>&amp;Bis:</translation>
    </message>
    <message>
        <source>&amp;Search:</source>
        <translation>Su&amp;chen:</translation>
    </message>
    <message>
        <source>&amp;Principal:</source>
        <translation>&amp;Principal:</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>&amp;Mandant:</translation>
    </message>
    <message>
        <source>Too&amp;l:</source>
        <translation>&amp;Werkzeug:</translation>
    </message>
    <message>
        <source>&amp;Outcome:</source>
        <translation>&amp;Ergebnis:</translation>
    </message>
    <message>
        <source>Error cod&amp;e:</source>
        <translation>Fehlerc&amp;ode:</translation>
    </message>
    <message>
        <source>Selected record</source>
        <translation>Ausgewählter Eintrag</translation>
    </message>
    <message>
        <source>a value you know, e.g. an e-mail address</source>
        <translation>z. B. eine E-Mail-Adresse</translation>
    </message>
    <message>
        <source>Compares the value&apos;s keyed HMAC with the record&apos;s redacted values; the value itself is not stored</source>
        <translation>Vergleicht den HMAC des Werts mit den geschwärzten Werten des Eintrags; der Wert selbst wird nicht gespeichert</translation>
    </message>
    <message>
        <source>Known val&amp;ue:</source>
        <translation>Be&amp;kannter Wert:</translation>
    </message>
    <message>
        <source>Chec&amp;k</source>
        <translation>Ab&amp;gleichen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the verification or export (Esc)</source>
        <translation>Die Verifizierung oder den Export abbrechen (Esc)</translation>
    </message>
    <message>
        <source>Cannot read the time &quot;%1&quot;: write it as 2026-11-22 14:30 (local time) or 2026-11-22.</source>
        <translation>Die Zeit „%1“ kann nicht gelesen werden: Schreiben Sie sie als 2026-11-22 14:30 (Ortszeit) oder 2026-11-22.</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Wird gezählt…</translation>
    </message>
    <message>
        <source>1 record</source>
        <translation>1 Eintrag</translation>
    </message>
    <message>
        <source>%L1 records</source>
        <translation>%L1 Einträge</translation>
    </message>
    <message>
        <source>Loading record %1…</source>
        <translation>Eintrag %1 wird geladen…</translation>
    </message>
    <message>
        <source>Select a record to see it in full.</source>
        <translation>Wählen Sie einen Eintrag, um ihn vollständig zu sehen.</translation>
    </message>
    <message>
        <source>This record holds no redacted values.</source>
        <translation>Dieser Eintrag enthält keine geschwärzten Werte.</translation>
    </message>
    <message>
        <source>1 redacted value in this record.</source>
        <translation>1 geschwärzter Wert in diesem Eintrag.</translation>
    </message>
    <message>
        <source>%1 redacted values in this record.</source>
        <translation>%1 geschwärzte Werte in diesem Eintrag.</translation>
    </message>
    <message>
        <source>Export audit records</source>
        <translation>Prüfprotokolleinträge exportieren</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl);;CSV (*.csv)</source>
        <translation>JSON Lines (*.jsonl);;CSV (*.csv)</translation>
    </message>
    <message>
        <source>%1 %L2 of %L3 records.</source>
        <translation>%1 %L2 von %L3 Einträgen.</translation>
    </message>
    <message>
        <source>Show Only This &amp;Session</source>
        <translation>Nur diese &amp;Sitzung zeigen</translation>
    </message>
    <message>
        <source>Show only the records of the selected record&apos;s session</source>
        <translation>Nur die Einträge der Sitzung des ausgewählten Eintrags zeigen</translation>
    </message>
    <message>
        <source>session fingerprint</source>
        <translation>Sitzungs-Fingerabdruck</translation>
    </message>
    <message>
        <source>Records of one MCP session: the fingerprint of its Mcp-Session-Id that every record of the session carries (click it in a record to fill it in)</source>
        <translation>Einträge einer MCP-Sitzung: der Fingerabdruck ihrer Mcp-Session-Id, den jeder Eintrag der Sitzung trägt (in einem Eintrag anklicken, um ihn einzusetzen)</translation>
    </message>
    <message>
        <source>Only records of this kind</source>
        <translation>Nur Einträge dieser Art</translation>
    </message>
    <message>
        <source>Call request</source>
        <translation>Aufruf (Anfrage)</translation>
    </message>
    <message>
        <source>Call outcome</source>
        <translation>Aufruf (Ergebnis)</translation>
    </message>
    <message>
        <source>Denial</source>
        <translation>Ablehnung</translation>
    </message>
    <message>
        <source>Authentication failure</source>
        <translation>Authentifizierungsfehler</translation>
    </message>
    <message>
        <source>Approval decision</source>
        <translation>Freigabeentscheidung</translation>
    </message>
    <message>
        <source>Policy change</source>
        <translation>Richtlinienänderung</translation>
    </message>
    <message>
        <source>Server start</source>
        <translation>Serverstart</translation>
    </message>
    <message>
        <source>Server stop</source>
        <translation>Serverstopp</translation>
    </message>
    <message>
        <source>Retention purge</source>
        <translation>Aufbewahrungsbereinigung</translation>
    </message>
    <message>
        <source>Sess&amp;ion:</source>
        <translation>S&amp;itzung:</translation>
    </message>
    <message>
        <source>Kin&amp;d:</source>
        <translation>A&amp;rt:</translation>
    </message>
    <message>
        <source>Session:</source>
        <translation>Sitzung:</translation>
    </message>
    <message>
        <source>Show only the records of this session</source>
        <translation>Nur die Einträge dieser Sitzung zeigen</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
</context>
<context>
    <name>warden::AuditTableModel</name>
    <message>
        <source>This server offers no audit trail to read.</source>
        <translation>Dieser Server bietet kein Prüfprotokoll zum Lesen an.</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Seq</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Principal</source>
        <translation>Principal</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Tool</source>
        <translation>Werkzeug</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Error code</source>
        <translation>Fehlercode</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
</context>
<context>
    <name>warden::BudgetsPanel</name>
    <message>
        <source>the last hour</source>
        <translation>der letzten Stunde</translation>
    </message>
    <message>
        <source>the last day</source>
        <translation>dem letzten Tag</translation>
    </message>
    <message>
        <source>the last week</source>
        <translation>der letzten Woche</translation>
    </message>
    <message>
        <source>per minute</source>
        <translation>pro Minute</translation>
    </message>
    <message>
        <source>per quarter hour</source>
        <translation>pro Viertelstunde</translation>
    </message>
    <message>
        <source>per hour</source>
        <translation>pro Stunde</translation>
    </message>
    <message>
        <source>&amp;Kind:</source>
        <translation>Ar&amp;t:</translation>
    </message>
    <message>
        <source>Principals</source>
        <translation>Principals</translation>
    </message>
    <message>
        <source>Tenants</source>
        <translation>Mandanten</translation>
    </message>
    <message>
        <source>Su&amp;bject:</source>
        <translation>Su&amp;bjekt:</translation>
    </message>
    <message>
        <source>Whose usage the chart shows; double-click a top consumer to pick it</source>
        <translation>Wessen Verbrauch das Diagramm zeigt; doppelklicken Sie auf einen Spitzenverbraucher, um ihn auszuwählen</translation>
    </message>
    <message>
        <source>All principals</source>
        <translation>Alle Principals</translation>
    </message>
    <message>
        <source>&amp;Metric:</source>
        <translation>&amp;Messgröße:</translation>
    </message>
    <message>
        <source>Hour</source>
        <translation>Stunde</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>Week</source>
        <translation>Woche</translation>
    </message>
    <message>
        <source>&amp;Export PNG…</source>
        <translation>Als PNG e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Save the usage chart as a PNG image (%1)</source>
        <translation>Das Verbrauchsdiagramm als PNG-Bild speichern (%1)</translation>
    </message>
    <message>
        <source>All tenants</source>
        <translation>Alle Mandanten</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Usage chart</source>
        <translation>Verbrauchsdiagramm</translation>
    </message>
    <message>
        <source>Left and Right step through the points; Home and End jump</source>
        <translation>Links und Rechts gehen die Punkte durch; Pos1 und Ende springen</translation>
    </message>
    <message>
        <source>Point at the chart to see exact values.</source>
        <translation>Zeigen Sie auf das Diagramm, um genaue Werte zu sehen.</translation>
    </message>
    <message>
        <source>Rejections</source>
        <translation>Ablehnungen</translation>
    </message>
    <message>
        <source>Rate limited</source>
        <translation>Ratenbegrenzt</translation>
    </message>
    <message>
        <source>Over budget</source>
        <translation>Budget überschritten</translation>
    </message>
    <message>
        <source>Rejections chart</source>
        <translation>Ablehnungsdiagramm</translation>
    </message>
    <message>
        <source>Top consumers</source>
        <translation>Spitzenverbraucher</translation>
    </message>
    <message>
        <source>Double-click or press Enter to chart a consumer</source>
        <translation>Doppelklicken oder Eingabe drücken, um einen Verbraucher im Diagramm zu zeigen</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1 in the window so far</source>
        <translation>%1 im Zeitfenster bisher</translation>
    </message>
    <message>
        <source>Hourly budget</source>
        <translation>Stundenbudget</translation>
    </message>
    <message>
        <source>Daily budget</source>
        <translation>Tagesbudget</translation>
    </message>
    <message>
        <source>all tenants</source>
        <translation>alle Mandanten</translation>
    </message>
    <message>
        <source>all principals</source>
        <translation>alle Principals</translation>
    </message>
    <message>
        <source>%1 of %2, %3</source>
        <translation>%1 für %2 in %3</translation>
    </message>
    <message>
        <source>%1 in %2 of a budget of %3 (%4% used).</source>
        <translation>%1 in %2 bei einem Budget von %3 (%4 % verbraucht).</translation>
    </message>
    <message>
        <source>%1 in %2 across %3. Budgets apply to each one: pick one to see its usage against its budget.</source>
        <translation>%1 in %2 über %3 hinweg. Budgets gelten für jeden einzeln: Wählen Sie einen aus, um seinen Verbrauch im Vergleich zu seinem Budget zu sehen.</translation>
    </message>
    <message>
        <source>%1 in %2. Budgets count per hour and per day; pick Hour (Alt+1) or Day (Alt+2) to see them.</source>
        <translation>%1 in %2. Budgets zählen pro Stunde und pro Tag; wählen Sie Stunde (Alt+1) oder Tag (Alt+2), um sie zu sehen.</translation>
    </message>
    <message>
        <source>%1 in %2; no budget limits this metric in this window.</source>
        <translation>%1 in %2; kein Budget begrenzt diese Messgröße in diesem Zeitfenster.</translation>
    </message>
    <message>
        <source>Rejections in %1</source>
        <translation>Ablehnungen in %1</translation>
    </message>
    <message>
        <source>This server does not report usage, so there is nothing to chart here.</source>
        <translation>Dieser Server meldet keinen Verbrauch, daher gibt es hier nichts darzustellen.</translation>
    </message>
    <message>
        <source>The server is starting…</source>
        <translation>Der Server startet…</translation>
    </message>
    <message>
        <source>The server is stopped. Start it (Server ▸ Start, F5) to see usage against its budgets.</source>
        <translation>Der Server ist gestoppt. Starten Sie ihn (Server ▸ Starten, F5), um den Verbrauch im Vergleich zu seinen Budgets zu sehen.</translation>
    </message>
    <message>
        <source>The usage could not be read: %1</source>
        <translation>Der Verbrauch konnte nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>No usage in %1 yet. It shows here a few seconds after an agent calls a tool; pick a longer window (Alt+2, Alt+3) to look further back.</source>
        <translation>Noch kein Verbrauch in %1. Er erscheint hier wenige Sekunden, nachdem ein Agent ein Werkzeug aufgerufen hat; wählen Sie ein längeres Zeitfenster (Alt+2, Alt+3), um weiter zurückzublicken.</translation>
    </message>
    <message>
        <source>%1 in %2</source>
        <translation>%1 in %2</translation>
    </message>
    <message>
        <source>Export the usage chart</source>
        <translation>Verbrauchsdiagramm exportieren</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Saving the chart to %1…</source>
        <translation>Das Diagramm wird in %1 gespeichert…</translation>
    </message>
    <message>
        <source>Saved the chart to %1.</source>
        <translation>Das Diagramm wurde in %1 gespeichert.</translation>
    </message>
    <message>
        <source>Could not save the chart to %1 (%2). Choose a folder you can write to.</source>
        <translation>Das Diagramm konnte nicht in %1 gespeichert werden (%2). Wählen Sie einen Ordner, in den Sie schreiben dürfen.</translation>
    </message>
</context>
<context>
    <name>warden::ConfigForm</name>
    <message>
        <source>The configuration cannot be read: %1</source>
        <translation>Die Konfiguration kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Nothing was saved: %1</source>
        <translation>Nichts wurde gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>warden::DesktopClientsPanel</name>
    <message>
        <source>Desktop clients</source>
        <translation>Desktop-Clients</translation>
    </message>
    <message>
        <source>Let a desktop LLM client start Warden over stdio. Warden adds itself to the client&apos;s configuration file, keeps everything else in it, and makes a backup first; you see every change before it is written.</source>
        <translation>Lassen Sie einen LLM-Desktop-Client Warden über stdio starten. Warden trägt sich in die Konfigurationsdatei des Clients ein, behält alles andere darin und legt zuerst eine Sicherung an; Sie sehen jede Änderung, bevor sie geschrieben wird.</translation>
    </message>
    <message>
        <source>warden-server was not found next to this console or on PATH: install it, then reopen this panel.</source>
        <translation>warden-server wurde weder neben dieser Konsole noch im PATH gefunden: Installieren Sie es und öffnen Sie diesen Bereich erneut.</translation>
    </message>
    <message>
        <source>The server&apos;s configuration file is not known (start the console with --config FILE), so there is nothing for a client to point at.</source>
        <translation>Die Konfigurationsdatei des Servers ist nicht bekannt (starten Sie die Konsole mit --config FILE), daher gibt es nichts, worauf ein Client verweisen kann.</translation>
    </message>
    <message>
        <source>Clients</source>
        <translation>Clients</translation>
    </message>
    <message>
        <source>Preview for &amp;Claude Desktop…</source>
        <translation>Vorschau für &amp;Claude Desktop…</translation>
    </message>
    <message>
        <source>Preview for C&amp;ursor…</source>
        <translation>Vorschau für C&amp;ursor…</translation>
    </message>
    <message>
        <source>Preview for &amp;VS Code…</source>
        <translation>Vorschau für &amp;VS Code…</translation>
    </message>
    <message>
        <source>Show what adding Warden changes in this file, before anything is written</source>
        <translation>Zeigen, was das Hinzufügen von Warden in dieser Datei ändert, bevor etwas geschrieben wird</translation>
    </message>
    <message>
        <source>Check &amp;again</source>
        <translation>Erneut &amp;prüfen</translation>
    </message>
    <message>
        <source>Read the clients&apos; files again</source>
        <translation>Die Dateien der Clients neu lesen</translation>
    </message>
    <message>
        <source>Any other stdio client</source>
        <translation>Jeder andere stdio-Client</translation>
    </message>
    <message>
        <source>Co&amp;mmand line to start Warden:</source>
        <translation>&amp;Befehlszeile zum Starten von Warden:</translation>
    </message>
    <message>
        <source>Cop&amp;y</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy the command line to the clipboard</source>
        <translation>Die Befehlszeile in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>Changes to the file</source>
        <translation>Änderungen an der Datei</translation>
    </message>
    <message>
        <source>&amp;Write</source>
        <translation>Sch&amp;reiben</translation>
    </message>
    <message>
        <source>Back the file up, then write the change shown above</source>
        <translation>Die Datei sichern, dann die oben gezeigte Änderung schreiben</translation>
    </message>
    <message>
        <source>Ca&amp;ncel</source>
        <translation>Abbreche&amp;n</translation>
    </message>
    <message>
        <source>Write nothing (Esc)</source>
        <translation>Nichts schreiben (Esc)</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>Cannot be set up: %1</source>
        <translation>Kann nicht eingerichtet werden: %1</translation>
    </message>
    <message>
        <source>Not set up. The file does not exist yet; it will be created.</source>
        <translation>Nicht eingerichtet. Die Datei existiert noch nicht; sie wird angelegt.</translation>
    </message>
    <message>
        <source>Set up: Warden is in this file with the command below.</source>
        <translation>Eingerichtet: Warden steht mit dem unten gezeigten Befehl in dieser Datei.</translation>
    </message>
    <message>
        <source>Set up with another command; preview to update it.</source>
        <translation>Mit einem anderen Befehl eingerichtet; öffnen Sie die Vorschau, um ihn zu aktualisieren.</translation>
    </message>
    <message>
        <source>Not set up yet.</source>
        <translation>Noch nicht eingerichtet.</translation>
    </message>
    <message>
        <source>Nothing will be written.</source>
        <translation>Es wird nichts geschrieben.</translation>
    </message>
    <message>
        <source>%1 is already set up; %2 stays as it is.</source>
        <translation>%1 ist bereits eingerichtet; %2 bleibt unverändert.</translation>
    </message>
    <message>
        <source>Changes to %1 for %2 (a backup is made first):</source>
        <translation>Änderungen an %1 für %2 (zuerst wird eine Sicherung angelegt):</translation>
    </message>
    <message>
        <source>%1 will be created for %2:</source>
        <translation>%1 wird für %2 angelegt:</translation>
    </message>
    <message>
        <source>Not written: %1</source>
        <translation>Nicht geschrieben: %1</translation>
    </message>
    <message>
        <source>Written to %1. Restart %2 to use Warden.</source>
        <translation>In %1 geschrieben. Starten Sie %2 neu, um Warden zu verwenden.</translation>
    </message>
    <message>
        <source>Written to %1; the previous file is saved as %2. Restart %3 to use Warden.</source>
        <translation>In %1 geschrieben; die vorherige Datei ist als %2 gesichert. Starten Sie %3 neu, um Warden zu verwenden.</translation>
    </message>
    <message>
        <source>Choose a client above to see what would change.</source>
        <translation>Wählen Sie oben einen Client, um zu sehen, was sich ändern würde.</translation>
    </message>
    <message>
        <source>The command line is on the clipboard.</source>
        <translation>Die Befehlszeile ist in der Zwischenablage.</translation>
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
    <message>
        <source>Start and stop the server, see its endpoint and traffic.</source>
        <translation>Den Server starten und stoppen, seinen Endpunkt und Datenverkehr sehen.</translation>
    </message>
    <message>
        <source>%1 (Ctrl+%2)</source>
        <translation>%1 (Strg+%2)</translation>
    </message>
    <message>
        <source>&amp;Appearance</source>
        <translation>&amp;Erscheinungsbild</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>&amp;System language</source>
        <translation>&amp;Systemsprache</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Warden will use %1 the next time it starts.</source>
        <translation>Warden verwendet %1 beim nächsten Start.</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>Dem &amp;System folgen</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
</context>
<context>
    <name>warden::OAuthPanel</name>
    <message>
        <source>OAuth</source>
        <translation>OAuth</translation>
    </message>
    <message>
        <source>%1. Until it is available the HS256 shared secret cannot be saved from here, and nothing is written to a file instead; a headless server can read it from the environment (env:NAME).</source>
        <translation>%1. Solange er nicht verfügbar ist, kann das gemeinsame HS256-Geheimnis hier nicht gespeichert werden, und ersatzweise wird nichts in eine Datei geschrieben; ein Server ohne Oberfläche kann es aus der Umgebung lesen (env:NAME).</translation>
    </message>
    <message>
        <source>Resource server</source>
        <translation>Ressourcenserver</translation>
    </message>
    <message>
        <source>&amp;Issuer:</source>
        <translation>A&amp;ussteller:</translation>
    </message>
    <message>
        <source>The authorization server; a token&apos;s &quot;iss&quot; must equal it exactly</source>
        <translation>Der Autorisierungsserver; „iss“ eines Tokens muss genau mit ihm übereinstimmen</translation>
    </message>
    <message>
        <source>&amp;Resource (audience):</source>
        <translation>&amp;Ressource (Zielgruppe):</translation>
    </message>
    <message>
        <source>This server&apos;s resource identifier; a token&apos;s &quot;aud&quot; must name it</source>
        <translation>Die Ressourcenkennung dieses Servers; „aud“ eines Tokens muss sie nennen</translation>
    </message>
    <message>
        <source>&amp;JWKS URL:</source>
        <translation>&amp;JWKS-URL:</translation>
    </message>
    <message>
        <source>Where the issuer publishes its signing keys (https)</source>
        <translation>Wo der Aussteller seine Signaturschlüssel veröffentlicht (https)</translation>
    </message>
    <message>
        <source>Algorithms:</source>
        <translation>Algorithmen:</translation>
    </message>
    <message>
        <source>HS256 se&amp;cret:</source>
        <translation>HS256-&amp;Geheimnis:</translation>
    </message>
    <message>
        <source>The shared secret HS256 tokens are signed with (32 bytes or more)</source>
        <translation>Das gemeinsame Geheimnis, mit dem HS256-Tokens signiert werden (32 Bytes oder mehr)</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <source>Claims → principal</source>
        <translation>Claims → Principal</translation>
    </message>
    <message>
        <source>&amp;User claim:</source>
        <translation>Benutzer-&amp;Claim:</translation>
    </message>
    <message>
        <source>Usually &quot;sub&quot;</source>
        <translation>Meist „sub“</translation>
    </message>
    <message>
        <source>&amp;Tenant claim:</source>
        <translation>&amp;Mandanten-Claim:</translation>
    </message>
    <message>
        <source>A claim name or dotted path (org.id); empty: tokens carry no tenant</source>
        <translation>Ein Claim-Name oder Punktpfad (org.id); leer: Tokens tragen keinen Mandanten</translation>
    </message>
    <message>
        <source>R&amp;oles claim:</source>
        <translation>R&amp;ollen-Claim:</translation>
    </message>
    <message>
        <source>An array or space-separated string; a dotted path such as realm_access.roles</source>
        <translation>Ein Array oder eine durch Leerzeichen getrennte Zeichenkette; ein Punktpfad wie realm_access.roles</translation>
    </message>
    <message>
        <source>Sco&amp;pe claims:</source>
        <translation>Sco&amp;pe-Claims:</translation>
    </message>
    <message>
        <source>Claim names whose scopes are merged, for example scope, scp</source>
        <translation>Claim-Namen, deren Scopes zusammengeführt werden, zum Beispiel scope, scp</translation>
    </message>
    <message>
        <source>Appl&amp;y</source>
        <translation>An&amp;wenden</translation>
    </message>
    <message>
        <source>Save to the configuration file; takes effect at the next restart</source>
        <translation>In der Konfigurationsdatei speichern; wirkt beim nächsten Neustart</translation>
    </message>
    <message>
        <source>Apply and r&amp;estart</source>
        <translation>Anwenden und &amp;neu starten</translation>
    </message>
    <message>
        <source>Save, then restart the server with these settings</source>
        <translation>Speichern und den Server dann mit diesen Einstellungen neu starten</translation>
    </message>
    <message>
        <source>Saved. The server restarts with the new settings.</source>
        <translation>Gespeichert. Der Server startet mit den neuen Einstellungen neu.</translation>
    </message>
    <message>
        <source>Saved. The changes take effect when the server restarts.</source>
        <translation>Gespeichert. Die Änderungen wirken, wenn der Server neu startet.</translation>
    </message>
    <message>
        <source>Signing keys</source>
        <translation>Signaturschlüssel</translation>
    </message>
    <message>
        <source>Fetch keys no&amp;w</source>
        <translation>Schlüssel jetzt a&amp;brufen</translation>
    </message>
    <message>
        <source>Fetch the issuer&apos;s key set now, whatever the refresh schedule</source>
        <translation>Den Schlüsselsatz des Ausstellers jetzt abrufen, unabhängig vom Aktualisierungsplan</translation>
    </message>
    <message>
        <source>Key ID (kid)</source>
        <translation>Schlüssel-ID (kid)</translation>
    </message>
    <message>
        <source>Type (kty)</source>
        <translation>Typ (kty)</translation>
    </message>
    <message>
        <source>Algorithm</source>
        <translation>Algorithmus</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Verwendung</translation>
    </message>
    <message>
        <source>Bits</source>
        <translation>Bits</translation>
    </message>
    <message>
        <source>Thumbprint (SHA-256)</source>
        <translation>Fingerabdruck (SHA-256)</translation>
    </message>
    <message>
        <source>Test a to&amp;ken</source>
        <translation>&amp;Token testen</translation>
    </message>
    <message>
        <source>Check toke&amp;n</source>
        <translation>Token prü&amp;fen</translation>
    </message>
    <message>
        <source>Run every check the server makes on this token (Ctrl+Return)</source>
        <translation>Jede Prüfung ausführen, die der Server an diesem Token vornimmt (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Paste an access token (a JWT: three base64url parts separated by dots)</source>
        <translation>Fügen Sie ein Zugriffstoken ein (ein JWT: drei durch Punkte getrennte base64url-Teile)</translation>
    </message>
    <message>
        <source>Token checks</source>
        <translation>Tokenprüfungen</translation>
    </message>
    <message>
        <source>Claims mapped to a principal</source>
        <translation>Auf einen Principal abgebildete Claims</translation>
    </message>
    <message>
        <source>A secret typed here is stored in the OS keychain as %1; the file holds only that reference.</source>
        <translation>Ein hier eingegebenes Geheimnis wird im Schlüsselbund des Betriebssystems als %1 gespeichert; die Datei enthält nur diesen Verweis.</translation>
    </message>
    <message>
        <source>The file refers to the secret as %1; type a new one to replace it.</source>
        <translation>Die Datei verweist auf das Geheimnis als %1; geben Sie ein neues ein, um es zu ersetzen.</translation>
    </message>
    <message>
        <source>This server&apos;s settings cannot be changed from the console.</source>
        <translation>Die Einstellungen dieses Servers können nicht von der Konsole aus geändert werden.</translation>
    </message>
    <message>
        <source>Fetching…</source>
        <translation>Wird abgerufen…</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>(not given)</source>
        <translation>(nicht angegeben)</translation>
    </message>
    <message numerus="yes">
        <source>%n key(s) found at %1.</source>
        <translation>
            <numerusform>%n Schlüssel unter %1 gefunden.</numerusform>
            <numerusform>%n Schlüssel unter %1 gefunden.</numerusform>
        </translation>
    </message>
    <message>
        <source>The keys could not be fetched: %1</source>
        <translation>Die Schlüssel konnten nicht abgerufen werden: %1</translation>
    </message>
    <message>
        <source>Skipped key %1: %2</source>
        <translation>Schlüssel %1 übersprungen: %2</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>The token cannot be tested: %1</source>
        <translation>Das Token kann nicht getestet werden: %1</translation>
    </message>
    <message>
        <source>Valid: every check passed. The caller is %1</source>
        <translation>Gültig: Alle Prüfungen bestanden. Der Aufrufer ist %1</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <source>Scopes to too&amp;ls:</source>
        <translation>Scopes j&amp;e Werkzeug:</translation>
    </message>
    <message>
        <source>The running server checks OAuth bearer tokens.</source>
        <translation>Der laufende Server prüft OAuth-Bearer-Tokens.</translation>
    </message>
    <message>
        <source>The server is not checking OAuth tokens now (it is stopped, runs without OAuth, or HTTP is off). Keys can still be fetched and tokens tested with the settings below, before they are applied.</source>
        <translation>Der Server prüft derzeit keine OAuth-Tokens (er ist gestoppt, läuft ohne OAuth, oder HTTP ist aus). Schlüssel lassen sich trotzdem abrufen und Tokens testen, mit den Einstellungen unten, bevor sie übernommen werden.</translation>
    </message>
    <message>
        <source>Fetching keys and checking tokens use %1.</source>
        <translation>Schlüssel abrufen und Tokens prüfen verwenden %1.</translation>
    </message>
    <message>
        <source>the running server&apos;s settings</source>
        <translation>die Einstellungen des laufenden Servers</translation>
    </message>
    <message>
        <source>the settings as entered — not applied yet</source>
        <translation>die eingegebenen Einstellungen – noch nicht übernommen</translation>
    </message>
    <message>
        <source>Nothing was fetched.</source>
        <translation>Es wurde nichts abgerufen.</translation>
    </message>
    <message>
        <source>Fetched with %1.</source>
        <translation>Abgerufen mit %1.</translation>
    </message>
    <message>
        <source>Paste a token in the box first.</source>
        <translation>Fügen Sie zuerst ein Token in das Feld ein.</translation>
    </message>
    <message>
        <source>No token was checked.</source>
        <translation>Es wurde kein Token geprüft.</translation>
    </message>
    <message>
        <source>Checked with %1.</source>
        <translation>Geprüft mit %1.</translation>
    </message>
</context>
<context>
    <name>warden::OAuthSettingsForm</name>
    <message>
        <source>Issuer</source>
        <translation>Aussteller</translation>
    </message>
    <message>
        <source>Resource (audience)</source>
        <translation>Ressource (Zielgruppe)</translation>
    </message>
    <message>
        <source>JWKS URL</source>
        <translation>JWKS-URL</translation>
    </message>
    <message>
        <source>Algorithms</source>
        <translation>Algorithmen</translation>
    </message>
    <message>
        <source>HS256 secret</source>
        <translation>HS256-Geheimnis</translation>
    </message>
    <message>
        <source>User claim</source>
        <translation>Benutzer-Claim</translation>
    </message>
    <message>
        <source>Tenant claim</source>
        <translation>Mandanten-Claim</translation>
    </message>
    <message>
        <source>Roles claim</source>
        <translation>Rollen-Claim</translation>
    </message>
    <message>
        <source>Scope claims</source>
        <translation>Scope-Claims</translation>
    </message>
    <message>
        <source>Fix %1 in the configuration file: %2</source>
        <translation>Korrigieren Sie %1 in der Konfigurationsdatei: %2</translation>
    </message>
    <message>
        <source>Fix the %1 field: %2</source>
        <translation>Korrigieren Sie das Feld %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>(%n more problem(s) after that)</source>
        <translation>
            <numerusform>(danach %n weiteres Problem)</numerusform>
            <numerusform>(danach %n weitere Probleme)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>warden::PolicyHistoryModel</name>
    <message>
        <source>%1 (in force)</source>
        <translation>%1 (in Kraft)</translation>
    </message>
    <message>
        <source>server start</source>
        <translation>Serverstart</translation>
    </message>
    <message>
        <source>file changed</source>
        <translation>Datei geändert</translation>
    </message>
    <message>
        <source>applied</source>
        <translation>angewendet</translation>
    </message>
    <message>
        <source>replaced</source>
        <translation>ersetzt</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>In force since</source>
        <translation>In Kraft seit</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
</context>
<context>
    <name>warden::PolicyPanel</name>
    <message>
        <source>Default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>The policy file changed on disk but was refused, so the version in force stays: %1</source>
        <translation>Die Richtliniendatei wurde auf der Festplatte geändert, aber abgelehnt; die geltende Version bleibt daher in Kraft: %1</translation>
    </message>
    <message>
        <source>S&amp;tart the server</source>
        <translation>Server s&amp;tarten</translation>
    </message>
    <message>
        <source>&amp;Discard changes</source>
        <translation>Änderungen &amp;verwerfen</translation>
    </message>
    <message>
        <source>Go back to the version in force</source>
        <translation>Zur geltenden Version zurückkehren</translation>
    </message>
    <message>
        <source>&amp;Apply…</source>
        <translation>An&amp;wenden…</translation>
    </message>
    <message>
        <source>Write the policy file and put it in force (Ctrl+S)</source>
        <translation>Die Richtliniendatei schreiben und in Kraft setzen (Strg+S)</translation>
    </message>
    <message>
        <source>Apply the policy</source>
        <translation>Richtlinie anwenden</translation>
    </message>
    <message>
        <source>Undo the last edit</source>
        <translation>Letzte Bearbeitung rückgängig machen</translation>
    </message>
    <message>
        <source>Redo the edit</source>
        <translation>Bearbeitung wiederherstellen</translation>
    </message>
    <message>
        <source>Tables and columns</source>
        <translation>Tabellen und Spalten</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>Press Enter on a problem to go to its item</source>
        <translation>Drücken Sie Eingabe auf einem Problem, um zu seinem Eintrag zu gehen</translation>
    </message>
    <message>
        <source>Deta&amp;ils</source>
        <translation>Deta&amp;ils</translation>
    </message>
    <message>
        <source>&amp;JSON</source>
        <translation>&amp;JSON</translation>
    </message>
    <message>
        <source>&amp;Changes</source>
        <translation>Ä&amp;nderungen</translation>
    </message>
    <message>
        <source>Histor&amp;y</source>
        <translation>Ve&amp;rlauf</translation>
    </message>
    <message>
        <source>Row scopes</source>
        <translation>Zeilenbereiche</translation>
    </message>
    <message>
        <source>Te&amp;nant column:</source>
        <translation>&amp;Mandantenspalte:</translation>
    </message>
    <message>
        <source>&amp;Owner column:</source>
        <translation>&amp;Besitzerspalte:</translation>
    </message>
    <message>
        <source>Soft de&amp;lete column:</source>
        <translation>Soft-De&amp;lete-Spalte:</translation>
    </message>
    <message>
        <source>Budget</source>
        <translation>Budget</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> ms</translation>
    </message>
    <message>
        <source>Ma&amp;x rows:</source>
        <translation>Ma&amp;x. Zeilen:</translation>
    </message>
    <message>
        <source>Statement timeo&amp;ut:</source>
        <translation>Anweisungs-&amp;Zeitlimit:</translation>
    </message>
    <message>
        <source>Writes and approvals</source>
        <translation>Schreibzugriffe und Genehmigungen</translation>
    </message>
    <message>
        <source>&amp;Writable by agents</source>
        <translation>Für Agenten s&amp;chreibbar</translation>
    </message>
    <message>
        <source>&amp;Require a reason</source>
        <translation>Begründ&amp;ung verlangen</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>Every write</source>
        <translation>Jeder Schreibzugriff</translation>
    </message>
    <message>
        <source>Deletes</source>
        <translation>Löschungen</translation>
    </message>
    <message>
        <source>A&amp;pproval needed for:</source>
        <translation>Genehmigung nötig &amp;für:</translation>
    </message>
    <message>
        <source>&amp;Max affected rows:</source>
        <translation>Max. betr&amp;offene Zeilen:</translation>
    </message>
    <message>
        <source>Relations</source>
        <translation>Beziehungen</translation>
    </message>
    <message>
        <source>Policy document (JSON)</source>
        <translation>Richtliniendokument (JSON)</translation>
    </message>
    <message>
        <source>Changes from the version in force</source>
        <translation>Änderungen gegenüber der geltenden Version</translation>
    </message>
    <message>
        <source>Policy versions</source>
        <translation>Richtlinienversionen</translation>
    </message>
    <message>
        <source>Vie&amp;w</source>
        <translation>Anzei&amp;gen</translation>
    </message>
    <message>
        <source>Compar&amp;e</source>
        <translation>V&amp;ergleichen</translation>
    </message>
    <message>
        <source>Rever&amp;t…</source>
        <translation>Wieder in &amp;Kraft setzen…</translation>
    </message>
    <message>
        <source>Show the selected version&apos;s document</source>
        <translation>Das Dokument der ausgewählten Version anzeigen</translation>
    </message>
    <message>
        <source>Show what changed from the selected version to the version in force</source>
        <translation>Anzeigen, was sich von der ausgewählten Version zur geltenden Version geändert hat</translation>
    </message>
    <message>
        <source>Put the selected version in force again</source>
        <translation>Die ausgewählte Version wieder in Kraft setzen</translation>
    </message>
    <message>
        <source>Selected version</source>
        <translation>Ausgewählte Version</translation>
    </message>
    <message>
        <source>This server does not offer policy editing.</source>
        <translation>Dieser Server bietet keine Bearbeitung der Richtlinie an.</translation>
    </message>
    <message>
        <source>The server is starting…</source>
        <translation>Der Server startet…</translation>
    </message>
    <message>
        <source>The policy editor checks every change against the database the server governs, so it needs the running server. Start the server to see and edit the policy in force.</source>
        <translation>Der Richtlinieneditor prüft jede Änderung gegen die Datenbank, die der Server kontrolliert, und braucht daher den laufenden Server. Starten Sie den Server, um die geltende Richtlinie zu sehen und zu bearbeiten.</translation>
    </message>
    <message>
        <source>The server reported: %1</source>
        <translation>Der Server meldete: %1</translation>
    </message>
    <message>
        <source>The policy in force cannot be read: %1</source>
        <translation>Die geltende Richtlinie kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>Version %1 is now in force (the file changed or another editor applied it); your edits are compared with it.</source>
        <translation>Version %1 ist jetzt in Kraft (die Datei wurde geändert oder ein anderer Editor hat sie angewendet); Ihre Bearbeitungen werden mit ihr verglichen.</translation>
    </message>
    <message>
        <source>Version %1 is in force.</source>
        <translation>Version %1 ist in Kraft.</translation>
    </message>
    <message>
        <source>The history cannot be read: %1</source>
        <translation>Der Verlauf kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>This is not valid JSON, so the tree is disabled until it is fixed. %1</source>
        <translation>Das ist kein gültiges JSON, daher ist der Baum deaktiviert, bis es korrigiert ist. %1</translation>
    </message>
    <message>
        <source>The JSON text cannot be read: %1</source>
        <translation>Der JSON-Text kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>The server is not running.</source>
        <translation>Der Server läuft nicht.</translation>
    </message>
    <message>
        <source>The JSON text has a syntax error: fix it in the JSON view to continue.</source>
        <translation>Der JSON-Text hat einen Syntaxfehler: Korrigieren Sie ihn in der JSON-Ansicht, um fortzufahren.</translation>
    </message>
    <message>
        <source>Checking the policy against the database…</source>
        <translation>Die Richtlinie wird gegen die Datenbank geprüft…</translation>
    </message>
    <message>
        <source>Problems to fix before this policy can be applied: %1 (listed below the tree).</source>
        <translation>Probleme, die vor dem Anwenden dieser Richtlinie zu beheben sind: %1 (unter dem Baum aufgeführt).</translation>
    </message>
    <message>
        <source>Valid. Apply to put your changes in force.</source>
        <translation>Gültig. Wenden Sie die Richtlinie an, um Ihre Änderungen in Kraft zu setzen.</translation>
    </message>
    <message>
        <source>Version %1 is in force; nothing changed.</source>
        <translation>Version %1 ist in Kraft; nichts wurde geändert.</translation>
    </message>
    <message>
        <source>From the version in force (%1) to the document being edited:</source>
        <translation>Von der geltenden Version (%1) zum bearbeiteten Dokument:</translation>
    </message>
    <message>
        <source>The JSON text has a syntax error.</source>
        <translation>Der JSON-Text hat einen Syntaxfehler.</translation>
    </message>
    <message>
        <source>The database has no table %1: remove it from the policy (action “not listed”).</source>
        <translation>Die Datenbank hat keine Tabelle %1: Entfernen Sie sie aus der Richtlinie (Aktion „nicht aufgeführt“).</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; is not listed, so agents do not see it. Set its action to “read” in the tree to list it.</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; ist nicht aufgeführt, daher sehen Agenten sie nicht. Setzen Sie ihre Aktion im Baum auf „lesen“, um sie aufzuführen.</translation>
    </message>
    <message>
        <source>Table &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Tabelle &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Default (none)</source>
        <translation>Standard (keine)</translation>
    </message>
    <message>
        <source>Default (%1)</source>
        <translation>Standard (%1)</translation>
    </message>
    <message>
        <source>Put these changes in force? New calls follow them at once, and the policy file %1 is rewritten.</source>
        <translation>Diese Änderungen in Kraft setzen? Neue Aufrufe folgen ihnen sofort, und die Richtliniendatei %1 wird neu geschrieben.</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>An&amp;wenden</translation>
    </message>
    <message>
        <source>The policy was not applied: %1</source>
        <translation>Die Richtlinie wurde nicht angewendet: %1</translation>
    </message>
    <message>
        <source>From %1 to the version in force (%2):
</source>
        <translation>Von %1 zur geltenden Version (%2):
</translation>
    </message>
    <message>
        <source>Put version %1 in force again? It is checked against today&apos;s database first and recorded as a new version.</source>
        <translation>Version %1 wieder in Kraft setzen? Sie wird zuerst gegen die heutige Datenbank geprüft und als neue Version erfasst.</translation>
    </message>
    <message>
        <source> Your unapplied edits are discarded.</source>
        <translation> Ihre nicht angewendeten Bearbeitungen werden verworfen.</translation>
    </message>
    <message>
        <source>Revert the policy</source>
        <translation>Richtlinie wieder in Kraft setzen</translation>
    </message>
    <message>
        <source>Rever&amp;t</source>
        <translation>Wieder in &amp;Kraft setzen</translation>
    </message>
    <message>
        <source>The policy was not reverted: %1</source>
        <translation>Die Version wurde nicht wieder in Kraft gesetzt: %1</translation>
    </message>
    <message>
        <source>Edit the rules for everyone, or what a role changes of them for the principals that have it</source>
        <translation>Die Regeln für alle bearbeiten, oder was eine Rolle daran für die Principals ändert, die sie haben</translation>
    </message>
    <message>
        <source>Rules &amp;for:</source>
        <translation>Re&amp;geln für:</translation>
    </message>
    <message>
        <source>Relation&amp;s (Insert adds one, Delete removes it):</source>
        <translation>R&amp;elationen (Einfg fügt eine hinzu, Entf entfernt sie):</translation>
    </message>
    <message>
        <source>Relations of the table</source>
        <translation>Relationen der Tabelle</translation>
    </message>
    <message>
        <source>Add a relation</source>
        <translation>Eine Relation hinzufügen</translation>
    </message>
    <message>
        <source>Remove the relation</source>
        <translation>Die Relation entfernen</translation>
    </message>
    <message>
        <source>Add r&amp;elation</source>
        <translation>Relation hinzufügen</translation>
    </message>
    <message>
        <source>Remove relation</source>
        <translation>Relation entfernen</translation>
    </message>
    <message>
        <source>Remove the selected declaration or switch-off (Delete in the list)</source>
        <translation>Die ausgewählte Deklaration oder Abschaltung entfernen (Entf in der Liste)</translation>
    </message>
    <message>
        <source>The key the related rows appear under</source>
        <translation>Der Schlüssel, unter dem die verbundenen Zeilen erscheinen</translation>
    </message>
    <message>
        <source>many_to_one: each row links to at most one</source>
        <translation>many_to_one: Jede Zeile verweist auf höchstens eine</translation>
    </message>
    <message>
        <source>one_to_many: each row links to any number</source>
        <translation>one_to_many: Jede Zeile verweist auf beliebig viele</translation>
    </message>
    <message>
        <source>The column of this table holding the link value</source>
        <translation>Die Spalte dieser Tabelle mit dem Verknüpfungswert</translation>
    </message>
    <message>
        <source>The column of the target holding the link value</source>
        <translation>Die Spalte des Ziels mit dem Verknüpfungswert</translation>
    </message>
    <message>
        <source>Name (&amp;key):</source>
        <translation>&amp;Kennung (Schlüssel):</translation>
    </message>
    <message>
        <source>Kind (&amp;how many):</source>
        <translation>Anzahl &amp;pro Zeile:</translation>
    </message>
    <message>
        <source>&amp;Via column:</source>
        <translation>&amp;Quellspalte:</translation>
    </message>
    <message>
        <source>Tar&amp;get table:</source>
        <translation>Ziel&amp;tabelle:</translation>
    </message>
    <message>
        <source>&amp;Target column:</source>
        <translation>Zielspalte:</translation>
    </message>
    <message>
        <source>e.g. support</source>
        <translation>z. B. support</translation>
    </message>
    <message>
        <source>&amp;New role:</source>
        <translation>Neue Ro&amp;lle:</translation>
    </message>
    <message>
        <source>Add &amp;role</source>
        <translation>Rolle hin&amp;zufügen</translation>
    </message>
    <message>
        <source>Selected role</source>
        <translation>Ausgewählte Rolle</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>Na&amp;me:</translation>
    </message>
    <message>
        <source>Descri&amp;ption:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>Tag switches for this role</source>
        <translation>Tag-Schalter für diese Rolle</translation>
    </message>
    <message>
        <source>&amp;Edit its rules for this table</source>
        <translation>Ihre Regeln für diese Tabelle b&amp;earbeiten</translation>
    </message>
    <message>
        <source>Row scopes, budget and relations of the table as this role sees them</source>
        <translation>Zeilenbereiche, Budget und Relationen der Tabelle, wie diese Rolle sie sieht</translation>
    </message>
    <message>
        <source>Ta&amp;ble:</source>
        <translation>&amp;Tabelle:</translation>
    </message>
    <message>
        <source>Remo&amp;ve role</source>
        <translation>Rolle ent&amp;fernen</translation>
    </message>
    <message>
        <source>Scopes, column rules and tag switches are edited here; the tree and the details follow.</source>
        <translation>Scopes, Spaltenregeln und Tag-Schalter werden hier bearbeitet; Baum und Details folgen.</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Role %1</source>
        <translation>Rolle %1</translation>
    </message>
    <message>
        <source>Select a table in the tree to edit its row scopes, budget, writes and relations, or Roles to edit the roles.</source>
        <translation>Wählen Sie im Baum eine Tabelle, um ihre Zeilenbereiche, ihr Budget, Schreibzugriffe und Relationen zu bearbeiten, oder „Rollen“, um die Rollen zu bearbeiten.</translation>
    </message>
    <message>
        <source>Table &lt;b&gt;%1&lt;/b&gt; for role &lt;b&gt;%2&lt;/b&gt;: what you set here replaces the rules for everyone; the rest stays as for everyone.</source>
        <translation>Tabelle &lt;b&gt;%1&lt;/b&gt; für Rolle &lt;b&gt;%2&lt;/b&gt;: Was Sie hier festlegen, ersetzt die Regeln für alle; der Rest bleibt wie für alle.</translation>
    </message>
    <message>
        <source>Writes and approvals are the same for every role; choose “Everyone” under Rules for to change them.</source>
        <translation>Schreibzugriffe und Genehmigungen gelten für jede Rolle gleich; wählen Sie „Alle“ unter „Regeln für“, um sie zu ändern.</translation>
    </message>
    <message>
        <source>As for everyone (none)</source>
        <translation>Wie für alle (keine)</translation>
    </message>
    <message>
        <source>As for everyone (%1)</source>
        <translation>Wie für alle (%1)</translation>
    </message>
    <message>
        <source>As for everyone</source>
        <translation>Wie für alle</translation>
    </message>
    <message>
        <source>(primary key)</source>
        <translation>(Primärschlüssel)</translation>
    </message>
    <message>
        <source>relation</source>
        <translation>relation</translation>
    </message>
    <message>
        <source>A relation needs a name.</source>
        <translation>Eine Relation braucht einen Namen.</translation>
    </message>
    <message>
        <source>%1 already names a relation of this table: pick another name.</source>
        <translation>%1 benennt bereits eine Relation dieser Tabelle: Wählen Sie einen anderen Namen.</translation>
    </message>
    <message numerus="yes">
        <source>A role&apos;s settings are laid over the policy for the principals that have it (from the token&apos;s roles claim). A principal with several gets the first role listed. This policy has %n role(s).</source>
        <translation>
            <numerusform>Die Einstellungen einer Rolle werden für die Principals, die sie haben (aus dem Rollen-Claim des Tokens), über die Richtlinie gelegt. Ein Principal mit mehreren erhält die zuerst aufgeführte Rolle. Diese Richtlinie hat %n Rolle.</numerusform>
            <numerusform>Die Einstellungen einer Rolle werden für die Principals, die sie haben (aus dem Rollen-Claim des Tokens), über die Richtlinie gelegt. Ein Principal mit mehreren erhält die zuerst aufgeführte Rolle. Diese Richtlinie hat %n Rollen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Select a role in the tree to edit it</source>
        <translation>Wählen Sie im Baum eine Rolle, um sie zu bearbeiten</translation>
    </message>
    <message>
        <source>Tag %1</source>
        <translation>Tag %1</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1:</translation>
    </message>
    <message>
        <source>As for everyone (the columns&apos; own rules)</source>
        <translation>Wie für alle (die eigenen Regeln der Spalten)</translation>
    </message>
    <message>
        <source>Changes the rules of no table.</source>
        <translation>Ändert die Regeln keiner Tabelle.</translation>
    </message>
    <message>
        <source>Changes the rules of: %1.</source>
        <translation>Ändert die Regeln von: %1.</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>Type the name of the new role first (as the token&apos;s roles claim has it).</source>
        <translation>Geben Sie zuerst den Namen der neuen Rolle ein (wie ihn der Rollen-Claim des Tokens enthält).</translation>
    </message>
    <message>
        <source>There is a role %1 already: pick another name.</source>
        <translation>Es gibt bereits eine Rolle %1: Wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>A role needs a name.</source>
        <translation>Eine Rolle braucht einen Namen.</translation>
    </message>
</context>
<context>
    <name>warden::PolicyProblemModel</name>
    <message>
        <source>(whole document)</source>
        <translation>(ganzes Dokument)</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
</context>
<context>
    <name>warden::PolicyRelationModel</name>
    <message>
        <source>Derived from a foreign key of the database; switch it off or replace it in the JSON view</source>
        <translation>Aus einem Fremdschlüssel der Datenbank abgeleitet; in der JSON-Ansicht abschalten oder ersetzen</translation>
    </message>
    <message>
        <source>(primary key)</source>
        <translation>(Primärschlüssel)</translation>
    </message>
    <message>
        <source>declared</source>
        <translation>deklariert</translation>
    </message>
    <message>
        <source>switched off</source>
        <translation>abgeschaltet</translation>
    </message>
    <message>
        <source>foreign key (read-only)</source>
        <translation>Fremdschlüssel (schreibgeschützt)</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Via</source>
        <translation>Über</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Target column</source>
        <translation>Zielspalte</translation>
    </message>
    <message>
        <source>Where it comes from</source>
        <translation>Herkunft</translation>
    </message>
</context>
<context>
    <name>warden::PolicyTreeModel</name>
    <message>
        <source>not listed</source>
        <translation>nicht aufgeführt</translation>
    </message>
    <message>
        <source>read</source>
        <translation>lesen</translation>
    </message>
    <message>
        <source>hidden</source>
        <translation>verborgen</translation>
    </message>
    <message>
        <source>inherit</source>
        <translation>erben</translation>
    </message>
    <message>
        <source>default</source>
        <translation>Standard</translation>
    </message>
    <message>
        <source>built-in deny (%1)</source>
        <translation>eingebaute Sperre (%1)</translation>
    </message>
    <message>
        <source>policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <source>rule %1</source>
        <translation>Regel %1</translation>
    </message>
    <message>
        <source>tag switch %1</source>
        <translation>Tag-Schalter %1</translation>
    </message>
    <message>
        <source>not listed: agents do not see this table</source>
        <translation>nicht aufgeführt: Agenten sehen diese Tabelle nicht</translation>
    </message>
    <message>
        <source>tenant: %1</source>
        <translation>Mandant: %1</translation>
    </message>
    <message>
        <source>owner: %1</source>
        <translation>Besitzer: %1</translation>
    </message>
    <message>
        <source>soft delete: %1</source>
        <translation>Soft Delete: %1</translation>
    </message>
    <message>
        <source>writable</source>
        <translation>schreibbar</translation>
    </message>
    <message>
        <source>own budget</source>
        <translation>eigenes Budget</translation>
    </message>
    <message>
        <source>not in the database</source>
        <translation>nicht in der Datenbank</translation>
    </message>
    <message>
        <source>table not listed</source>
        <translation>Tabelle nicht aufgeführt</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>budgets start from this profile</source>
        <translation>Budgets gehen von diesem Profil aus</translation>
    </message>
    <message>
        <source>Roles</source>
        <translation>Rollen</translation>
    </message>
    <message numerus="yes">
        <source>%n role(s)</source>
        <translation>
            <numerusform>%n Rolle</numerusform>
            <numerusform>%n Rollen</numerusform>
        </translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>Maske</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Where it comes from</source>
        <translation>Herkunft</translation>
    </message>
    <message>
        <source>none; add them in the details</source>
        <translation>keine; in den Details hinzufügen</translation>
    </message>
</context>
<context>
    <name>warden::QueryTesterPanel</name>
    <message>
        <source>whole number</source>
        <translation>ganze Zahl</translation>
    </message>
    <message>
        <source>number</source>
        <translation>Zahl</translation>
    </message>
    <message>
        <source>comma-separated list</source>
        <translation>kommagetrennte Liste</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Query tester</source>
        <translation>Abfragetester</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Act as</source>
        <translation>Handeln als</translation>
    </message>
    <message>
        <source>user id, e.g. alice</source>
        <translation>Benutzer-ID, z. B. alice</translation>
    </message>
    <message>
        <source>tenant id; empty for none</source>
        <translation>Mandanten-ID; leer für keinen</translation>
    </message>
    <message>
        <source>comma-separated</source>
        <translation>kommagetrennt</translation>
    </message>
    <message>
        <source>Policy roles</source>
        <translation>Richtlinienrollen</translation>
    </message>
    <message>
        <source>Add or remove a role the policy names</source>
        <translation>Eine Rolle hinzufügen oder entfernen, die die Richtlinie nennt</translation>
    </message>
    <message>
        <source>All &amp;policy scopes</source>
        <translation>Alle Scopes der &amp;Richtlinie</translation>
    </message>
    <message>
        <source>Fill in every scope the policy asks of tools</source>
        <translation>Jeden Scope eintragen, den die Richtlinie für Werkzeuge verlangt</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>&amp;Tenant:</source>
        <translation>&amp;Mandant:</translation>
    </message>
    <message>
        <source>R&amp;oles:</source>
        <translation>R&amp;ollen:</translation>
    </message>
    <message>
        <source>S&amp;copes:</source>
        <translation>S&amp;copes:</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>Aufruf</translation>
    </message>
    <message>
        <source>Too&amp;l:</source>
        <translation>&amp;Werkzeug:</translation>
    </message>
    <message>
        <source>Ra&amp;w JSON</source>
        <translation>Rohes JSO&amp;N</translation>
    </message>
    <message>
        <source>Edit the arguments as JSON instead of the form (kept in sync)</source>
        <translation>Die Argumente als JSON statt im Formular bearbeiten (wird abgeglichen)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>Aus&amp;führen</translation>
    </message>
    <message>
        <source>Run the call as the principal above (Ctrl+Return)</source>
        <translation>Den Aufruf als den Principal oben ausführen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Stop the running call (Esc)</source>
        <translation>Den laufenden Aufruf abbrechen (Esc)</translation>
    </message>
    <message>
        <source>Arguments as JSON</source>
        <translation>Argumente als JSON</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>No call run yet.</source>
        <translation>Noch kein Aufruf ausgeführt.</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>Entscheidung</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Ta&amp;ble</source>
        <translation>&amp;Tabelle</translation>
    </message>
    <message>
        <source>&amp;JSON</source>
        <translation>&amp;JSON</translation>
    </message>
    <message>
        <source>S&amp;QL</source>
        <translation>S&amp;QL</translation>
    </message>
    <message>
        <source>&amp;Decisions</source>
        <translation>&amp;Entscheidungen</translation>
    </message>
    <message>
        <source>&amp;Audit record</source>
        <translation>&amp;Prüfprotokolleintrag</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Double-click or press Enter to bring a run back</source>
        <translation>Doppelklicken oder Eingabe drücken, um einen Lauf zurückzuholen</translation>
    </message>
    <message>
        <source>This server does not offer the query tester.</source>
        <translation>Dieser Server bietet den Abfragetester nicht an.</translation>
    </message>
    <message>
        <source>The server is not running. Start it in the Server panel to try calls.</source>
        <translation>Der Server läuft nicht. Starten Sie ihn im Bereich „Server“, um Aufrufe auszuprobieren.</translation>
    </message>
    <message>
        <source>Calls run through the server&apos;s real policy, limits and audit trail, and are audited as %1 (console) acting as this principal.</source>
        <translation>Aufrufe laufen durch die echte Richtlinie, die Limits und das Prüfprotokoll des Servers und werden als %1 (Konsole) im Namen dieses Principals protokolliert.</translation>
    </message>
    <message>
        <source>%1 (required):</source>
        <translation>%1 (erforderlich):</translation>
    </message>
    <message>
        <source>%1 The raw JSON shows the last arguments that were valid.</source>
        <translation>%1 Das rohe JSON zeigt die letzten gültigen Argumente.</translation>
    </message>
    <message>
        <source>The JSON is not valid (%1); fix it or keep editing it here.</source>
        <translation>Das JSON ist nicht gültig (%1); korrigieren Sie es oder bearbeiten Sie es hier weiter.</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>Läuft…</translation>
    </message>
    <message>
        <source>Enter the user to act as (Act as → User).</source>
        <translation>Geben Sie den Benutzer ein, als der gehandelt wird (Handeln als → Benutzer).</translation>
    </message>
    <message>
        <source>The arguments must be a JSON object, such as {&quot;table&quot;: &quot;customers&quot;}.</source>
        <translation>Die Argumente müssen ein JSON-Objekt sein, zum Beispiel {&quot;table&quot;: &quot;customers&quot;}.</translation>
    </message>
    <message>
        <source>The JSON is not valid: %1</source>
        <translation>Das JSON ist nicht gültig: %1</translation>
    </message>
    <message>
        <source>Running %1 as %2…</source>
        <translation>%1 läuft als %2…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>OK: 1 row</source>
        <translation>OK: 1 Zeile</translation>
    </message>
    <message>
        <source>OK: %1 rows</source>
        <translation>OK: %1 Zeilen</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>parameters: %1</source>
        <translation>Parameter: %1</translation>
    </message>
    <message>
        <source>-- db_explain refused: %1</source>
        <translation>-- db_explain abgelehnt: %1</translation>
    </message>
    <message>
        <source>-- %1 does not compile a SQL statement.</source>
        <translation>-- %1 erzeugt keine SQL-Anweisung.</translation>
    </message>
    <message>
        <source>Audit record #%1: %2 (console) acting as %3.</source>
        <translation>Prüfprotokolleintrag #%1: %2 (Konsole) im Namen von %3.</translation>
    </message>
    <message>
        <source>No audit record.</source>
        <translation>Kein Prüfprotokolleintrag.</translation>
    </message>
    <message>
        <source>The audit record could not be read: %1</source>
        <translation>Der Prüfprotokolleintrag konnte nicht gelesen werden: %1</translation>
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
    <name>warden::RunHistoryModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Tool</source>
        <translation>Werkzeug</translation>
    </message>
    <message>
        <source>Principal</source>
        <translation>Principal</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
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
    <message>
        <source>Security warning</source>
        <translation>Sicherheitswarnung</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>Datenverkehr</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>&amp;Restart</source>
        <translation>&amp;Neu starten</translation>
    </message>
    <message>
        <source>Stop the server and start it again with the configuration as saved now</source>
        <translation>Den Server stoppen und mit der jetzt gespeicherten Konfiguration wieder starten</translation>
    </message>
    <message>
        <source>Recent re&amp;quests</source>
        <translation>Letzte An&amp;fragen</translation>
    </message>
    <message>
        <source>Serve &amp;MCP over HTTP (Streamable HTTP at /mcp)</source>
        <translation>&amp;MCP über HTTP anbieten (Streamable HTTP unter /mcp)</translation>
    </message>
    <message>
        <source>Transports</source>
        <translation>Transporte</translation>
    </message>
    <message>
        <source>An IPv4 address, localhost or an IPv6 address. 127.0.0.1 accepts connections from this machine only.</source>
        <translation>Eine IPv4-Adresse, localhost oder eine IPv6-Adresse. 127.0.0.1 nimmt nur Verbindungen von diesem Rechner an.</translation>
    </message>
    <message>
        <source>L&amp;isten address:</source>
        <translation>Empfan&amp;gsadresse:</translation>
    </message>
    <message>
        <source>0 to 65535; 0 picks a free port at each start</source>
        <translation>0 bis 65535; 0 wählt bei jedem Start einen freien Port</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>Po&amp;rt:</translation>
    </message>
    <message>
        <source>Desktop clients start Warden over stdio; their command line is in the Desktop clients panel.</source>
        <translation>Desktop-Clients starten Warden über stdio; ihre Befehlszeile steht im Bereich „Desktop-Clients“.</translation>
    </message>
    <message>
        <source>SQLite</source>
        <translation>SQLite</translation>
    </message>
    <message>
        <source>PostgreSQL</source>
        <translation>PostgreSQL</translation>
    </message>
    <message>
        <source>Database t&amp;ype:</source>
        <translation>Datenbankt&amp;yp:</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>Date&amp;iname:</translation>
    </message>
    <message>
        <source>shop.db</source>
        <translation>shop.db</translation>
    </message>
    <message>
        <source>Host:</source>
        <translation>Host:</translation>
    </message>
    <message>
        <source>Database port:</source>
        <translation>Datenbankport:</translation>
    </message>
    <message>
        <source>Database name:</source>
        <translation>Datenbankname:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>Ben&amp;utzer:</translation>
    </message>
    <message>
        <source>a read-only role</source>
        <translation>eine Rolle nur mit Leserechten</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>unverändert</translation>
    </message>
    <message>
        <source>Undo changes</source>
        <translation>Änderungen rückgängig machen</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <source>Save to the configuration file; takes effect at the next restart (Ctrl+S)</source>
        <translation>In der Konfigurationsdatei speichern; wirkt beim nächsten Neustart (Strg+S)</translation>
    </message>
    <message>
        <source>Apply and restart</source>
        <translation>Anwenden und neu starten</translation>
    </message>
    <message>
        <source>Save, then restart the server with the new settings (Ctrl+Return)</source>
        <translation>Speichern und den Server dann mit den neuen Einstellungen neu starten (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Saved. The server restarts with the new settings.</source>
        <translation>Gespeichert. Der Server startet mit den neuen Einstellungen neu.</translation>
    </message>
    <message>
        <source>Saved. The changes take effect when the server restarts.</source>
        <translation>Gespeichert. Die Änderungen wirken, wenn der Server neu startet.</translation>
    </message>
    <message>
        <source>Configuration file: %1</source>
        <translation>Konfigurationsdatei: %1</translation>
    </message>
    <message>
        <source>This server&apos;s settings cannot be changed from the console.</source>
        <translation>Die Einstellungen dieses Servers können nicht von der Konsole aus geändert werden.</translation>
    </message>
    <message>
        <source>A password typed here is stored in the OS keychain as %1; the file holds only that reference.</source>
        <translation>Ein hier eingegebenes Passwort wird im Schlüsselbund des Betriebssystems als %1 gespeichert; die Datei enthält nur diesen Verweis.</translation>
    </message>
    <message>
        <source>The file refers to the password as %1; type a new one to replace it in the keychain.</source>
        <translation>Die Datei verweist auf das Passwort als %1; geben Sie ein neues ein, um es im Schlüsselbund zu ersetzen.</translation>
    </message>
    <message>
        <source>Checks the configuration as saved: what the server needs to start and to serve calls.</source>
        <translation>Prüft die gespeicherte Konfiguration: was der Server zum Starten und zum Bedienen von Aufrufen braucht.</translation>
    </message>
    <message>
        <source>Check a&amp;gain</source>
        <translation>Erneut &amp;prüfen</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>%1: OK</source>
        <translation>%1: OK</translation>
    </message>
    <message>
        <source>%1: problem</source>
        <translation>%1: Problem</translation>
    </message>
    <message>
        <source>How to fix: %1</source>
        <translation>So beheben Sie es: %1</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Audit key:</source>
        <translation>Prüfschlüssel:</translation>
    </message>
    <message>
        <source>Hash key:</source>
        <translation>Hash-Schlüssel:</translation>
    </message>
    <message>
        <source>Cursor key:</source>
        <translation>Cursor-Schlüssel:</translation>
    </message>
    <message>
        <source>Generate the missing &amp;keys in the OS keychain</source>
        <translation>Fehlende Schlüssel im Schlüsselbund des Betriebssystems er&amp;zeugen</translation>
    </message>
    <message>
        <source>32 random bytes each, stored in the OS keychain; the file gets only their references. A configured key is never replaced here.</source>
        <translation>Je 32 Zufallsbytes, im Schlüsselbund des Betriebssystems gespeichert; die Datei erhält nur ihre Verweise. Ein konfigurierter Schlüssel wird hier nie ersetzt.</translation>
    </message>
    <message>
        <source>%1 (configured; replace it where it is stored, knowing the consequences in docs/configuration.md)</source>
        <translation>%1 (konfiguriert; ersetzen Sie ihn dort, wo er gespeichert ist, und beachten Sie die Folgen in docs/configuration.md)</translation>
    </message>
    <message>
        <source>will be generated into %1 when you apply</source>
        <translation>wird beim Anwenden in %1 erzeugt</translation>
    </message>
    <message>
        <source>not configured: a new key at every start, so audit records cannot be authenticated after the run that wrote them</source>
        <translation>nicht konfiguriert: bei jedem Start ein neuer Schlüssel, daher lassen sich Prüfprotokolleinträge nach dem Lauf, der sie schrieb, nicht mehr authentifizieren</translation>
    </message>
    <message>
        <source>not configured: a new key at every start, so hashed values change at every restart</source>
        <translation>nicht konfiguriert: bei jedem Start ein neuer Schlüssel, daher ändern sich gehashte Werte bei jedem Neustart</translation>
    </message>
    <message>
        <source>not configured: a new key at every start, so query cursors end at a restart</source>
        <translation>nicht konfiguriert: bei jedem Start ein neuer Schlüssel, daher enden Abfrage-Cursor bei einem Neustart</translation>
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
    <name>warden::TokenCheckModel</name>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Format (signed JWT)</source>
        <translation>Format (signiertes JWT)</translation>
    </message>
    <message>
        <source>Header</source>
        <translation>Header</translation>
    </message>
    <message>
        <source>Token type (typ)</source>
        <translation>Tokentyp (typ)</translation>
    </message>
    <message>
        <source>Algorithm (alg)</source>
        <translation>Algorithmus (alg)</translation>
    </message>
    <message>
        <source>Signing key found (kid)</source>
        <translation>Signaturschlüssel gefunden (kid)</translation>
    </message>
    <message>
        <source>Signature</source>
        <translation>Signatur</translation>
    </message>
    <message>
        <source>Not expired (exp)</source>
        <translation>Nicht abgelaufen (exp)</translation>
    </message>
    <message>
        <source>Already valid (nbf)</source>
        <translation>Bereits gültig (nbf)</translation>
    </message>
    <message>
        <source>Issued in the past (iat)</source>
        <translation>In der Vergangenheit ausgestellt (iat)</translation>
    </message>
    <message>
        <source>Issuer (iss)</source>
        <translation>Aussteller (iss)</translation>
    </message>
    <message>
        <source>Audience (aud)</source>
        <translation>Zielgruppe (aud)</translation>
    </message>
    <message>
        <source>Claims mapped to a principal</source>
        <translation>Auf einen Principal abgebildete Claims</translation>
    </message>
    <message>
        <source>Passed</source>
        <translation>Bestanden</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation>Nicht geprüft</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
</context>
<context>
    <name>warden::ToolScopeModel</name>
    <message>
        <source>The policy names %1, but this server offers no tool of that name.</source>
        <translation>Die Richtlinie nennt %1, aber dieser Server bietet kein Werkzeug dieses Namens an.</translation>
    </message>
    <message>
        <source>No scope needed: any authenticated caller may call %1.</source>
        <translation>Kein Scope nötig: Jeder authentifizierte Aufrufer darf %1 aufrufen.</translation>
    </message>
    <message>
        <source>Tool</source>
        <translation>Werkzeug</translation>
    </message>
    <message>
        <source>Scope it needs</source>
        <translation>Benötigter Scope</translation>
    </message>
</context>
<context>
    <name>warden::ToolScopesEditor</name>
    <message>
        <source>Which OAuth scope a caller&apos;s token (or API key) must hold to call each tool. Part of the policy: applying puts a new policy version in force. An empty scope means none is needed.</source>
        <translation>Welchen OAuth-Scope das Token (oder der API-Schlüssel) eines Aufrufers für jedes Werkzeug haben muss. Teil der Richtlinie: Übernehmen setzt eine neue Richtlinienversion in Kraft. Ein leerer Scope bedeutet, dass keiner nötig ist.</translation>
    </message>
    <message>
        <source>Scopes to tools</source>
        <translation>Scopes je Werkzeug</translation>
    </message>
    <message>
        <source>Discard scope chan&amp;ges</source>
        <translation>Scope-Änderungen &amp;verwerfen</translation>
    </message>
    <message>
        <source>Apply scope &amp;map…</source>
        <translation>Scope-&amp;Zuordnung übernehmen…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Apply the scopes</source>
        <translation>Scopes übernehmen</translation>
    </message>
    <message>
        <source>Put these scopes in force? New calls need them at once, and the policy file is rewritten as a new version.</source>
        <translation>Diese Scopes in Kraft setzen? Neue Aufrufe benötigen sie sofort, und die Richtliniendatei wird als neue Version neu geschrieben.</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>An&amp;wenden</translation>
    </message>
    <message>
        <source>The scopes were not applied: %1</source>
        <translation>Die Scopes wurden nicht übernommen: %1</translation>
    </message>
    <message>
        <source>Policy version %1 is in force with these scopes.</source>
        <translation>Richtlinienversion %1 ist mit diesen Scopes in Kraft.</translation>
    </message>
    <message>
        <source>Scopes are part of the policy in force: start the server to see and edit them.</source>
        <translation>Scopes sind Teil der geltenden Richtlinie: Starten Sie den Server, um sie zu sehen und zu bearbeiten.</translation>
    </message>
    <message numerus="yes">
        <source>%n scope(s) cannot be used; the row says what to fix:</source>
        <translation>
            <numerusform>%n Scope kann nicht verwendet werden; die Zeile sagt, was zu korrigieren ist:</numerusform>
            <numerusform>%n Scopes können nicht verwendet werden; die Zeilen sagen, was zu korrigieren ist:</numerusform>
        </translation>
    </message>
    <message>
        <source>These scopes cannot be applied.</source>
        <translation>Diese Scopes können nicht übernommen werden.</translation>
    </message>
    <message>
        <source>No tool needs a scope: any authenticated caller may call every tool the policy allows.</source>
        <translation>Kein Werkzeug benötigt einen Scope: Jeder authentifizierte Aufrufer darf jedes Werkzeug aufrufen, das die Richtlinie erlaubt.</translation>
    </message>
    <message numerus="yes">
        <source>%n tool(s) need a scope.</source>
        <translation>
            <numerusform>%n Werkzeug benötigt einen Scope.</numerusform>
            <numerusform>%n Werkzeuge benötigen einen Scope.</numerusform>
        </translation>
    </message>
    <message>
        <source>Changes not applied yet.</source>
        <translation>Änderungen noch nicht übernommen.</translation>
    </message>
</context>
<context>
    <name>warden::TopConsumersModel</name>
    <message>
        <source>This server does not report usage.</source>
        <translation>Dieser Server meldet keinen Verbrauch.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Principal</source>
        <translation>Principal</translation>
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
<context>
    <name>warden::UsageSeriesModel</name>
    <message>
        <source>This server does not report usage.</source>
        <translation>Dieser Server meldet keinen Verbrauch.</translation>
    </message>
    <message>
        <source>%1–%2</source>
        <translation>%1–%2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1 in the window up to here (budget %2)</source>
        <translation>%1 im Zeitfenster bis hier (Budget %2)</translation>
    </message>
    <message>
        <source>%1 in the window up to here</source>
        <translation>%1 im Zeitfenster bis hier</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Aufrufe</translation>
    </message>
    <message>
        <source>Rows returned</source>
        <translation>Gelieferte Zeilen</translation>
    </message>
    <message>
        <source>Cost units</source>
        <translation>Kosteneinheiten</translation>
    </message>
    <message>
        <source>Rate limited</source>
        <translation>Ratenbegrenzt</translation>
    </message>
    <message>
        <source>Budget rejected</source>
        <translation>Vom Budget abgelehnt</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last day</source>
        <translation>Letzter Tag</translation>
    </message>
    <message>
        <source>Last week</source>
        <translation>Letzte Woche</translation>
    </message>
    <message>
        <source>%1 call</source>
        <translation>%1 Aufruf</translation>
    </message>
    <message>
        <source>%1 calls</source>
        <translation>%1 Aufrufe</translation>
    </message>
    <message>
        <source>%1 row</source>
        <translation>%1 Zeile</translation>
    </message>
    <message>
        <source>%1 rows</source>
        <translation>%1 Zeilen</translation>
    </message>
    <message>
        <source>%1 cost unit</source>
        <translation>%1 Kosteneinheit</translation>
    </message>
    <message>
        <source>%1 cost units</source>
        <translation>%1 Kosteneinheiten</translation>
    </message>
    <message>
        <source>%1 rate-limited call</source>
        <translation>%1 ratenbegrenzter Aufruf</translation>
    </message>
    <message>
        <source>%1 rate-limited calls</source>
        <translation>%1 ratenbegrenzte Aufrufe</translation>
    </message>
    <message>
        <source>%1 budget rejection</source>
        <translation>%1 Budgetablehnung</translation>
    </message>
    <message>
        <source>%1 budget rejections</source>
        <translation>%1 Budgetablehnungen</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>In the window</source>
        <translation>Im Zeitfenster</translation>
    </message>
</context>
</TS>

import { useState } from 'preact/hooks'
import { DataTable } from '../../../table'
import { uploadServerCsv, type RowFailure } from './import-api'
import { ImportErrors } from './import-errors'
import type { ServerView } from './model'
import { SERVER_IDENTITY_COLUMNS } from './server-table'

type Step =
  | { kind: 'choose' }
  | { kind: 'sending'; name: string; bytes: number }
  | { kind: 'created'; servers: ServerView[] }
  | { kind: 'rows'; fileName: string; text: string; message: string; rows: RowFailure[]; report: string }
  | { kind: 'file'; message: string }

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`)

/**
 * Seed 004's "Import Servers" wizard: choose a CSV file, send it, then either the servers created
 * or, since the import is all-or-nothing, the file's rows with their errors. Every value from the
 * file or the edge is rendered as text.
 */
export function ImportWizard({ onImported, onClose }: { onImported: () => void; onClose: () => void }) {
  const [file, setFile] = useState<File | null>(null)
  const [step, setStep] = useState<Step>({ kind: 'choose' })
  // A new key empties the file input, which cannot be cleared by setting its value.
  const [inputKey, setInputKey] = useState(0)
  // Each answer gets a fresh error table (no row left open from the previous file).
  const [uploads, setUploads] = useState(0)
  const send = async (e: Event) => {
    e.preventDefault()
    if (!file) return
    setUploads((n) => n + 1)
    setStep({ kind: 'sending', name: file.name, bytes: file.size })
    const outcome = await uploadServerCsv(file)
    if (outcome.kind === 'created') {
      setStep(outcome)
      onImported()
    } else if (outcome.kind === 'rows') {
      // Read only now: the table shows the file as the admin wrote it, which the answer does not carry.
      setStep({ ...outcome, fileName: file.name, text: await file.text() })
    } else {
      setStep(outcome)
    }
  }
  const again = () => {
    setFile(null)
    setInputKey((k) => k + 1)
    setStep({ kind: 'choose' })
  }
  return (
    <section class="import-wizard" aria-label="Import servers">
      <h3>Import servers</h3>
      {step.kind !== 'sending' && step.kind !== 'created' && (
        <form class="inline" aria-label="Choose a CSV file" onSubmit={send}>
          <label>
            CSV file (UTF-8, a header row, at most 10,000 servers)
            <input
              key={inputKey}
              type="file"
              accept=".csv,text/csv"
              aria-label="CSV file"
              onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            />
          </label>
          <button type="submit" disabled={!file}>
            Import
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </form>
      )}
      {step.kind === 'sending' && (
        <div class="import-progress">
          <progress aria-label="Import progress" />
          <p role="status">
            Importing {step.name} ({size(step.bytes)}): checking every row…
          </p>
        </div>
      )}
      {step.kind === 'file' && (
        <p role="alert" class="error">
          {step.message}
        </p>
      )}
      {step.kind === 'rows' && (
        <ImportErrors
          key={uploads}
          fileName={step.fileName}
          text={step.text}
          message={step.message}
          rows={step.rows}
          report={step.report}
        />
      )}
      {step.kind === 'created' && (
        <>
          <p role="status" class="import-summary">
            Created {step.servers.length} server{step.servers.length === 1 ? '' : 's'}
          </p>
          <DataTable
            label="Imported servers"
            rows={step.servers}
            columns={SERVER_IDENTITY_COLUMNS}
            rowKey={(s) => s.server_id}
            initialSort={{ column: -1, desc: false }}
          />
          <span class="actions">
            <button type="button" onClick={again}>
              Import another file
            </button>
            <button type="button" onClick={onClose}>
              Close
            </button>
          </span>
        </>
      )}
    </section>
  )
}

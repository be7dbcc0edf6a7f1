/** What every form field shows around its control (FormField, TextField). */
export interface FormFieldProps {
  id: string
  label: string
  error?: string | undefined
  warning?: string | undefined
  hint?: string
  /** More ids the control is described by (e.g. a live preview in the `after` slot). */
  describedBy?: string[]
}

/**
 * Splits a command string into words the way docker-py does for a string `entrypoint` or
 * `command` (Python's shlex.split, POSIX mode): whitespace separates, quotes group, a backslash
 * escapes. No expansion of any kind happens, exactly like shlex.
 */
export function splitShellWords(input: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: "'" | '"' | null = null
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!
    if (quote === "'") {
      if (ch === "'") quote = null
      else word += ch
    } else if (quote === '"') {
      // Inside double quotes a backslash only escapes the characters the shell would treat specially.
      if (ch === '\\' && i + 1 < input.length && '"\\$`'.includes(input[i + 1]!)) word += input[++i]
      else if (ch === '"') quote = null
      else word += ch
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      inWord = true
      if (ch === "'" || ch === '"') quote = ch
      else if (ch === '\\') {
        if (i + 1 >= input.length) throw new Error('command ends with an escape character')
        word += input[++i]
      } else word += ch
    }
  }
  if (quote) throw new Error(`command has an unterminated ${quote} quote`)
  if (inWord) words.push(word)
  return words
}

// Prints the README's table of settings, from lib/settings.ts (a unit test fails when the README's
// differs): node --conditions=react-server --import tsx scripts/settings-table.ts
import { settingsTable } from '@/lib/settings'

console.log(settingsTable())

import { makeFixtures } from '../fixtures/media'

export default function globalSetup() {
  makeFixtures()
}

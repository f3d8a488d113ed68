// govuk-frontend's JavaScript only enhances the pages: every page works without it.
import { initAll } from './govuk-frontend.min.js'

initAll()

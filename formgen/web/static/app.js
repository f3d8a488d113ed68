// govuk-frontend's JavaScript only enhances the pages: every page works without it.
import { initAll } from './govuk-frontend.min.js'

initAll()

/**
 * The warning before a session ends, after GOV.UK's and HMRC's timeout warning pattern.
 *
 * The page gives the seconds left until the idle timeout and until the session's lifetime ends. Two
 * minutes before the end a modal dialog counts down: "Stay signed in" (or Escape) starts the idle
 * timeout again; near the end of the lifetime nothing can extend it, so the dialog asks the person to
 * save. Once the session has ended the dialog says so but the page stays as it is: what was typed is
 * still there, and saving it keeps it across signing in again (formgen/web/held.py).
 *
 * Tabs tell each other when the session was extended, so a tab left in the background does not warn
 * about a session that another tab kept alive.
 */
class TimeoutWarning {
  constructor (dialog) {
    this.dialog = dialog
    this.warningMs = Number(dialog.dataset.warningSeconds) * 1000
    this.keepAliveUrl = dialog.dataset.keepAliveUrl
    this.token = dialog.querySelector('input[name="csrf_token"]').value
    this.announcement = dialog.querySelector('[data-announcement]')
    this.channel = 'BroadcastChannel' in window ? new BroadcastChannel('formgen-session') : null
    this.state = null // null (closed), 'idle', 'lifetime' or 'ended'
    this.dismissed = null // the lifetime warning, once read: it cannot be acted on
    this.spoken = null
    // The page's words for the countdown, in its language: formgen/web/sessions.py countdown_words.
    this.words = JSON.parse(dialog.dataset.words)
    this.plurals = new Intl.PluralRules(document.documentElement.lang)
  }

  start () {
    this.extend(Number(this.dialog.dataset.idleSeconds), Number(this.dialog.dataset.lifetimeSeconds))
    this.channel?.addEventListener('message', (event) => this.adopt(event.data))
    this.dialog.querySelector('[data-action="stay"]').addEventListener('click', () => this.stay())
    this.dialog.querySelector('[data-action="close"]').addEventListener('click', () => this.dialog.close())
    // Escape closes a modal dialog; closing the first warning means staying signed in.
    this.dialog.addEventListener('close', () => this.closed())
    this.dialog.addEventListener('keydown', (event) => this.keepFocus(event))
    // Checked every second rather than timed once, so a computer waking from sleep is right at once.
    window.setInterval(() => this.tick(), 1000)
    this.tick()
  }

  extend (idleSeconds, lifetimeSeconds) {
    const now = Date.now()
    this.idleEnd = now + idleSeconds * 1000
    this.lifetimeEnd = now + lifetimeSeconds * 1000
    this.channel?.postMessage({ idleEnd: this.idleEnd, lifetimeEnd: this.lifetimeEnd })
  }

  adopt ({ idleEnd, lifetimeEnd }) {
    if (this.state === 'ended') return // what this page holds is kept by saving it, as the dialog says
    this.idleEnd = Math.max(this.idleEnd, idleEnd)
    this.lifetimeEnd = Math.max(this.lifetimeEnd, lifetimeEnd)
    this.tick()
  }

  tick () {
    if (this.state === 'ended') return
    const left = Math.min(this.idleEnd, this.lifetimeEnd) - Date.now()
    if (left <= 0) {
      this.show('ended')
    } else if (left > this.warningMs) {
      this.hide()
    } else {
      const state = this.lifetimeEnd <= this.idleEnd ? 'lifetime' : 'idle'
      if (state !== this.dismissed) {
        this.count(left)
        this.show(state)
      }
    }
  }

  show (state) {
    if (this.state === state) return
    const opening = this.state === null
    this.state = state
    for (const element of this.dialog.querySelectorAll('[data-state]')) {
      element.hidden = !element.dataset.state.split(' ').includes(state)
    }
    if (state === 'ended') {
      const reason = Date.now() >= this.lifetimeEnd ? 'lifetime' : 'idle'
      for (const element of this.dialog.querySelectorAll('[data-reason]')) {
        element.hidden = element.dataset.reason !== reason
      }
    }
    if (!this.dialog.open) this.dialog.showModal()
    this.buttons()[0].focus()
    // On opening, the dialog's name and description are read out with the focused button; a change
    // of state while it is open is not, so it is announced (innerText leaves out what is hidden).
    if (!opening) {
      const parts = ['#timeout-dialog-title', '#timeout-dialog-text'].map((id) => this.dialog.querySelector(id))
      this.say(parts.map((part) => part.innerText).join(' ').replace(/\s+/g, ' ').trim())
    }
  }

  buttons () {
    return [...this.dialog.querySelectorAll('button')].filter((button) => !button.closest('[hidden]'))
  }

  // The page behind is inert, but Tab would still leave for the browser's own controls.
  keepFocus (event) {
    if (event.key !== 'Tab') return
    const buttons = this.buttons()
    const [first, last] = [buttons[0], buttons[buttons.length - 1]]
    const [from, to] = event.shiftKey ? [first, last] : [last, first]
    if (document.activeElement === from) {
      event.preventDefault()
      to.focus()
    }
  }

  hide () {
    if (this.state === null) return
    this.state = null
    this.spoken = null
    this.dialog.close()
  }

  closed () {
    if (this.state === 'idle') {
      this.state = null
      this.stay()
    } else if (this.state === 'lifetime') {
      this.dismissed = 'lifetime'
      this.state = null
    }
  }

  async stay () {
    try {
      const response = await fetch(this.keepAliveUrl, {
        method: 'POST',
        headers: { 'X-CSRFToken': this.token },
        credentials: 'same-origin'
      })
      const session = await response.json()
      if (!session.signed_in) {
        this.show('ended')
        return
      }
      this.extend(session.idle, session.lifetime)
      this.hide()
    } catch {
      // No answer (the network, most likely): the warning stays, and the person can try again.
    }
  }

  count (leftMs) {
    const seconds = Math.ceil(leftMs / 1000)
    for (const element of this.dialog.querySelectorAll('[data-countdown]')) {
      element.textContent = this.duration(seconds)
    }
    // Spoken every minute, then every 15 seconds: often enough to know, not so often as to drown.
    const spoken = this.duration(seconds >= 60 ? Math.ceil(seconds / 60) * 60 : Math.ceil(seconds / 15) * 15)
    if (this.spoken !== null && spoken !== this.spoken) {
      this.say(this.words.announcement.replace('%(countdown)s', spoken))
    }
    this.spoken = spoken
  }

  duration (seconds) {
    const [number, unit] = seconds >= 60 ? [Math.ceil(seconds / 60), 'minute'] : [seconds, 'second']
    const forms = this.words[unit]
    return (forms[this.plurals.select(number)] ?? forms.other).replace('%(num)d', number)
  }

  say (text) {
    this.announcement.textContent = text
  }
}

const timeoutDialog = document.querySelector('[data-module="app-timeout-dialog"]')
if (timeoutDialog) new TimeoutWarning(timeoutDialog).start()

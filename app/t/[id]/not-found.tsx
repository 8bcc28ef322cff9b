import Link from 'next/link'

export default function TakeNotFound() {
  return (
    <div className="py-24 text-center">
      <h1 className="text-2xl font-semibold">No such take</h1>
      <p className="mt-2 text-muted">It may have been deleted.</p>
      <Link href="/takes" className="mt-6 inline-block text-accent underline">
        See the history
      </Link>
    </div>
  )
}

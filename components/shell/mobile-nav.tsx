"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { Menu } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogTitle, DialogTrigger, SheetContent } from "@/components/ui/dialog";
import { SideNav, type ShellSection } from "./nav";

export function MobileNav({ section, isAdmin, brand }: { section: ShellSection; isAdmin: boolean; brand: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const t = useTranslations("common");
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="icon" className="md:hidden" aria-label={t("menu")} data-testid="mobile-nav-trigger">
          <Menu className="size-5" />
        </Button>
      </DialogTrigger>
      <SheetContent closeLabel={t("close")} aria-describedby={undefined}>
        <DialogTitle className="sr-only">{t("menu")}</DialogTitle>
        <div className="px-6 py-5 text-white">{brand}</div>
        <div className="flex flex-1 flex-col pb-4">
          <SideNav section={section} isAdmin={isAdmin} onNavigate={() => setOpen(false)} />
        </div>
      </SheetContent>
    </Dialog>
  );
}
